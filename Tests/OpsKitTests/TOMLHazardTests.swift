import OpsKit
import TestSupport
import Testing

/// Inputs on which TOMLKit's toml++ asserts (the test process would abort):
/// each must be refused before it, with the line, by both readers.
@Suite("TOML that would crash TOMLKit is refused first, with its line")
struct TOMLHazardTests {
    static let hazards: [(text: String, line: Int, problem: String)] = [
        ("[}\n", 1, "a table header starts with a key"),
        ("a = 1\n[.]\n", 2, "a table header starts with a key"),
        ("[[=]]\n", 1, "a table header starts with a key"),
        ("a = 1\n\n[\n", 3, "a table header starts with a key"),
        ("[ #\n", 1, "a table header starts with a key"),
        ("a = [}]\n", 1, "'}' where the array expects a value"),
        ("a = [\"x\", }]\n", 1, "'}' where the array expects a value"),
        ("a = [\n  # a comment\n  }\n", 3, "'}' where the array expects a value"),
        ("a = { b = [[1], [}] }\n", 1, "'}' where the array expects a value"),
        ("a = [\u{2028}]\n", 1, "a non-ASCII character outside quotes"),
        ("[\u{7F}a]\n", 1, "a control character (U+007F)"),
        ("a = \"\"\"x\\\n\u{1}\"\"\"\n", 2, "a control character (U+0001)"),
    ]

    @Test("a plugin file is refused with the line and what is wrong", arguments: hazards)
    func pluginFile(text: String, line: Int, problem: String) {
        let error = #expect(throws: PluginFileError.self) { try PluginFileReader.parse(text, file: "bad.toml") }
        #expect(error?.line == line)
        #expect(error?.problem.hasPrefix("not valid TOML: " + problem) == true, "\(String(describing: error))")
    }

    @Test("an inventory is refused with the line and what is wrong", arguments: hazards)
    func inventory(text: String, line: Int, problem: String) {
        let error = #expect(throws: FleetError.self) { try Inventory.parse(text, file: "opsshell.toml") }
        #expect(error?.description.hasPrefix("opsshell.toml (line \(line)): not valid TOML: " + problem) == true, "\(String(describing: error))")
    }

    @Test("valid TOML near those shapes still loads: arrays over lines, brackets in strings, headers after multi-line strings")
    func validShapesLoad() throws {
        let inventory = try Inventory.parse("""
            # [} in a comment
            [hosts."a"]
            roles = [
              # a comment, then a value
              "db", "}",
              "[x"
            ]
            note = \"\"\"
            [not a header
            \"\"\"
            [hosts.b]
            roles = []
            [ hosts . "c" ]
            port = 22
            """, file: "opsshell.toml")
        #expect(inventory.hosts.map(\.name) == ["a", "b", "c"])
        #expect(inventory.hosts[0].roles == ["db", "}", "[x"])
        #expect(inventory.hosts[0].attributes["note"] == "[not a header\n")
    }
}
