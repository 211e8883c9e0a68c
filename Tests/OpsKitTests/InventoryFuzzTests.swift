@testable import OpsKit
import TestSupport
import Testing
import TOMLKit

/// The inventory reader on mutated files: never a crash, and the fast
/// reader of plain shapes reads every file it accepts exactly as TOMLKit
/// does (it hands everything else to TOMLKit).
@Suite("Fuzzing the inventory reader")
struct InventoryFuzzTests {
    static let original = """
        ssh_config = "/etc/opsshell/ssh_config"
        # the DR cluster
        [hosts."patroni-01-db-dr.c.gitlab-dr.internal"]
        roles = ["dr-base-db-patroni", "consul"]
        address = "10.251.9.101"
        port = 22
        user = "gitlab-psql"

        [hosts.patroni-02]
        roles = [ "dr-base-db-patroni" ]   # a comment
        patroni_api = "10.251.9.102:8008"
        rack = 7
        identity_file = "~/.ssh/id"

        """
    static let pieces: [String] = ["[", "]", "[[", "]]", "{", "}", "=", "\"", "'", ",", ".", "\n", "#", " ", "\t", "\\", "-", "+", "_",
                                   "0", "1", "07", "0x1", "1.5", "true", "1979-05-27", "99999999999999999999", "\"é\"", "\r\n",
                                   "[hosts.x]", "[hosts]", "hosts = 1", "roles = []", "port = 22", "a.b = 1", "\"\"\"", "'''",
                                   "\u{0}", "\u{7F}", "é", "\\u00e9"]

    @Test("10,000 mutated inventories load or name what is wrong; never a crash; the fast reader agrees with TOMLKit")
    func mutatedInventories() {
        var random = SeededRandom(seed: 0x1_17E)
        var fast = 0, loaded = 0, refused = 0
        for _ in 0..<10_000 {
            var bytes = Array(Self.original.utf8)
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let at = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0 where at < bytes.count: bytes.remove(at: at)
                case 1 where at < bytes.count: bytes[at] = Array("[]{}=,.#\"' \t\n-_0123456789abz".utf8).randomElement(using: &random)!
                case 2: bytes.insert(contentsOf: Self.pieces.randomElement(using: &random)!.utf8, at: at)
                default:  // a slice repeated elsewhere: keys and tables named twice
                    let start = Int.random(in: 0..<bytes.count, using: &random)
                    bytes.insert(contentsOf: bytes[start..<min(bytes.count, start + 60)], at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            if TOMLHazard.first(in: text) == nil, let plain = InventoryFastReader.read(text) {
                fast += 1
                let table = try? TOMLTable(string: text)
                #expect(table != nil, "the fast reader accepted what TOMLKit refuses:\n\(text)")
                if let table {
                    #expect(InventoryDocument(table).sorted() == plain.sorted(), "read differently from TOMLKit:\n\(text)")
                }
            }
            do {
                _ = try Inventory.parse(text, file: "fuzz.toml")
                loaded += 1
            } catch {
                #expect(error.description.hasPrefix("fuzz.toml"))
                refused += 1
            }
        }
        #expect(loaded + refused == 10_000)
        #expect(loaded > 500 && refused > 500 && fast > 1_000, "the mutations reach every path: \(loaded) loaded, \(refused) refused, \(fast) read by the fast reader")
    }

    @Test("the bench's 5,000-host shape and the README's are read by the fast reader, not TOMLKit")
    func plainShapesAreFast() throws {
        #expect(InventoryFastReader.read(Self.original) != nil)
        let document = try #require(InventoryFastReader.read("[hosts.\"db-1.c.gitlab-dr.internal\"]\nroles = [\"dr-base-db-patroni\"]\naddress = \"10.0.0.1\"\nport = 22\nuser = \"root\"\n\n"))
        #expect(document.hosts == [.init(name: "db-1.c.gitlab-dr.internal", fields: [
            .init(key: "roles", value: .array([.string("dr-base-db-patroni")])), .init(key: "address", value: .string("10.0.0.1")),
            .init(key: "port", value: .integer(22)), .init(key: "user", value: .string("root")),
        ])])
    }
}
