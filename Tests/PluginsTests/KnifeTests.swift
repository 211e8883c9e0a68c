import OpsKit
import Plugins
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("knife: inventory answers, Chef search, and commands inside knife ssh", .serialized)
@MainActor
struct KnifeTests {
    let inventoryText = """
        [hosts."patroni-01"]
        roles = ["dr-base-db-patroni"]
        [hosts."patroni-02"]
        roles = ["dr-base-db-patroni"]
        [hosts."consul-01"]
        roles = ["consul"]
        """

    func shell(_ console: TestConsole, dryRun: Bool = false) throws -> Interpreter {
        let inventory = try Inventory.parse(inventoryText, file: "t.toml")
        var session = Session(variables: Variables(date: "2026-11-29"))
        session.dryRun = dryRun
        return Interpreter(context: Context(session: session, console: console, executor: ProcessExecutor(inventory: inventory),
                                            catalog: Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all), inventory: inventory))
    }

    @Test("knife node list, role list and search node answer from the inventory")
    func inventoryAnswers() async throws {
        let console = TestConsole()
        let shell = try shell(console)
        #expect(await shell.run("knife node list").status == .success)
        #expect(await shell.run("knife role list").status == .success)
        #expect(await shell.run("knife search node roles:dr-base-db-patroni").status == .success)
        #expect(console.output.hasPrefix("consul-01\npatroni-01\npatroni-02\nconsul\ndr-base-db-patroni\n2 hosts found\n"))
    }

    @Test("the inner command of knife ssh is classified by its own plugin", arguments: [
        ("knife ssh roles:x 'sudo systemctl stop patroni'", Risk.changesState),
        ("knife ssh roles:x 'sudo rm -rf /var/opt/gitlab/postgresql/data'", .destroysData),
        ("knife ssh roles:x 'consul kv delete -recurse service/pg-ha-cluster'", .destroysData),
        ("knife ssh roles:x 'etcdctl del --prefix /service/pg-ha-cluster/'", .destroysData),
        ("knife ssh roles:x 'gitlab-patronictl list'", .changesState),  // knife ssh itself changes state
        ("knife node list", .readOnly),
    ])
    func innerRisk(line: String, risk: Risk) throws {
        let catalog = Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all)
        #expect(catalog.risk(of: try Words(parsing: line).words.map(\.symbolicText)) == risk)
    }

    @Test("Tab completes queries after knife ssh and the command inside its quotes")
    func completion() throws {
        let inventory = try Inventory.parse(inventoryText, file: "t.toml")
        let completer = Completer(catalog: Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all), inventory: inventory)
        let session = Session()
        #expect(completer.complete("knife ssh roles:d", in: session).candidates == ["roles:dr-base-db-patroni"])
        #expect(completer.complete("knife ssh patroni-0", in: session).candidates == ["patroni-01", "patroni-02"])
        #expect(completer.complete("knife ssh roles:x 'sudo systemctl st", in: session).candidates
                == ["sudo systemctl start", "sudo systemctl status", "sudo systemctl stop"])
        #expect(completer.complete("knife ssh roles:x 'gitlab-patronictl li", in: session).candidates == ["gitlab-patronictl list"])
    }

    @Test("with a configured knife, Chef search decides the hosts")
    func chefSearch() async throws {
        // A stand-in for Chef's knife: Chef cannot be installed here. It prints
        // what knife/lib/chef/knife/search.rb prints for `-a fqdn -F json`
        // (JSON.pretty_generate of {results:, rows: [{name => {fqdn:}}]}),
        // and exits 1 with zero rows, as search.rb does.
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let knife = directory.write("knife", """
            #!/bin/sh
            echo "$@" >> \(directory.path)/calls
            if [ "$1 $2 $3" = "search node roles:dr-base-db-patroni" ]; then
            if [ "$5" = fqdn ]; then value=patroni-02.c.gitlab-dr.internal; else value=10.251.9.102; fi
            cat <<JSON
            {
              "results": 1,
              "rows": [
                {
                  "patroni-02": {
                    "$5": "$value"
                  }
                }
              ]
            }
            JSON
            else
            printf '{\\n  "results": 0,\\n  "rows": [\\n\\n  ]\\n}\\n'; exit 1
            fi

            """)
        chmod(knife, 0o755)
        try run("mkdir -p \(directory.path)/home/.chef && touch \(directory.path)/home/.chef/config.rb")
        let inventory = directory.write("inventory.toml", inventoryText)
        // Its own process, its own PATH and HOME: changing this process's
        // environment would leak into tests running beside this one.
        let environment = ["PATH": directory.path + ":" + String(cString: getenv("PATH")), "HOME": directory.path + "/home"]
        let found = try await ShellBinary.run(["--inventory", inventory, "--dry-run", "-c", "knife ssh roles:dr-base-db-patroni 'uptime'"],
                                              environment: environment)
        #expect(found.status == 0)
        #expect(found.output == "dry-run: on patroni-02 (changes state): uptime\n")
        #expect(readFile(directory.path + "/calls") == "search node roles:dr-base-db-patroni -a fqdn -F json\n")
        // -a asks Chef for that attribute and connects there.
        let attribute = try await ShellBinary.run(["--inventory", inventory, "--dry-run", "-c", "knife ssh -a ipaddress roles:dr-base-db-patroni 'uptime'"],
                                                  environment: environment)
        #expect(attribute.output == "dry-run: on patroni-02 (at 10.251.9.102) (changes state): uptime\n")
        let none = try await ShellBinary.run(["--inventory", inventory, "--dry-run", "-c", "knife ssh roles:web 'uptime'"], environment: environment)
        #expect(none.status != 0)
        #expect(none.error.contains("no hosts match roles:web"))
    }
}
