import OpsKit
import TestSupport
import Testing

@Suite("Reading the inventory")
struct InventoryTests {
    @Test("reads hosts, roles, connection settings and attributes")
    func reads() throws {
        let inventory = try Inventory.parse("""
            ssh_config = "/etc/opsshell/ssh_config"

            [hosts."patroni-01-db-dr.c.gitlab-dr.internal"]
            roles = ["dr-base-db-patroni"]
            address = "10.251.9.101"
            port = 2222
            user = "gitlab-psql"
            identity_file = "/keys/id"
            patroni_api = "10.251.9.101:8008"
            """, file: "opsshell.toml")
        let host = try #require(inventory.hosts.first)
        #expect(inventory.sshConfig == "/etc/opsshell/ssh_config")
        #expect(host == Host(name: "patroni-01-db-dr.c.gitlab-dr.internal", roles: ["dr-base-db-patroni"], address: "10.251.9.101",
                             port: 2222, user: "gitlab-psql", identityFile: "/keys/id", attributes: ["patroni_api": "10.251.9.101:8008"]))
    }

    static let broken: [(String, Int?, String?, String)] = [
        ("[hosts.\"a\"]\nroles = \"db\"\n", 2, "hosts.a.roles", "must be a list of strings"),
        ("[hosts.\"a\"]\nroles = [\"db\"]\nport = 70000\n", 3, "hosts.a.port", "must be a port number"),
        ("[hosts.\"a\"]\n\n[hosts.\"b\"]\naddress = \"-oProxyCommand=x\"\n", 4, "hosts.b.address", "refusing host name"),
        ("[hosts.\"-oProxyCommand=x\"]\nroles = []\n", 1, "hosts.-oProxyCommand=x", "refusing host name"),
        ("sshconfig = \"x\"\n", 1, "sshconfig", "unknown setting"),
        ("[hosts.\"a\"]\nroles = [\"db\"\n", 2, nil, ""),
    ]

    @Test("a bad inventory names the file, the line and the field", arguments: broken)
    func errors(text: String, line: Int?, field: String?, problem: String) throws {
        let error = try #require(throws: FleetError.self) { try Inventory.parse(text, file: "opsshell.toml") }
        guard case let .badInventory(file, foundLine, foundField, foundProblem) = error else { Issue.record("\(error)"); return }
        #expect(file == "opsshell.toml")
        #expect(foundLine == line)
        #expect(foundField == field)
        #expect(foundProblem.contains(problem))
        #expect(error.description.hasPrefix("opsshell.toml (line \(line ?? 0)"))
    }

    @Test("an error in [hosts.h1] is on h1's line, not on the line of [hosts.h10] before it")
    func exactHeaderLine() throws {
        let text = "[hosts.h10]\nroles = [\"db\"]\n\n[hosts.h1]\nroles = \"db\"\n"
        let error = try #require(throws: FleetError.self) { try Inventory.parse(text, file: "opsshell.toml") }
        #expect(error == .badInventory(file: "opsshell.toml", line: 5, field: "hosts.h1.roles",
                                       problem: "must be a list of strings, e.g. roles = [\"dr-base-db-patroni\"]"))
    }

    @Test("an IPv6 address is taken bare or in brackets, and ssh gets it bare", arguments: ["::1", "[::1]"])
    func ipv6Address(written: String) throws {
        let inventory = try Inventory.parse("[hosts.\"v6\"]\naddress = \"\(written)\"\n", file: "opsshell.toml")
        #expect(inventory.hosts.first?.address == "::1")
    }

    @Test("brackets around anything but an IPv6 address are refused, naming the host", arguments: ["[db-1]", "::1]", "[::1"])
    func strayBrackets(written: String) throws {
        let error = try #require(throws: FleetError.self) {
            try Inventory.parse("[hosts.\"v6\"]\naddress = \"\(written)\"\n", file: "opsshell.toml")
        }
        #expect(error.description.hasPrefix("opsshell.toml (line 2, field `hosts.v6.address`): refusing host name"))
    }

    @Test("a missing file is an error naming it")
    func missingFile() {
        #expect(throws: FleetError.self) { try Inventory.load("/nonexistent/opsshell.toml") }
    }

    @Test("looks in the working directory, then XDG_CONFIG_HOME")
    func defaultPath() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.path + "/config"
        #expect(Inventory.defaultPath { $0 == "XDG_CONFIG_HOME" ? config : nil } == nil)
        try? TestSupport.run("mkdir -p \(config)/opsshell && touch \(config)/opsshell/opsshell.toml")
        #expect(Inventory.defaultPath { $0 == "XDG_CONFIG_HOME" ? config : nil } == config + "/opsshell/opsshell.toml")
    }
}
