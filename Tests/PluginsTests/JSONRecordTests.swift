import Foundation
import OpsKit
import Plugins
import TestSupport
import Testing

/// `--json` (ours) must be the tool's own JSON, key for key and type for
/// type, so one `jq` filter reads both.
@Suite("Records as the tools type them")
struct JSONRecordTests {
    /// The same cluster, the same moment: patronictl's pretty table read
    /// back and given `--json` must be what `patronictl list -f json` printed.
    @Test("patronictl list --json is patronictl list -f json, every column, captured from Patroni 3.3.6 and 4.1.5", arguments: [
        ("patronictl/list-pretty-4.1.5.txt", "patronictl/list-json-4.1.5.txt"),
        ("patronictl/list-pretty-3.3.6.txt", "patronictl/list-json-3.3.6.txt"),
        ("patronictl/list-json-4.1.5.txt", "patronictl/list-json-4.1.5.txt"),
    ])
    func patroniListMatchesTheTool(input: String, real: String) throws {
        let plugin = PatroniPlugin()
        let invocation = ToolInvocation(wrappers: [], executable: "patronictl", arguments: ["list", "--json"])
        let table = try #require(plugin.table(for: invocation, output: CapturedOutput(status: .success, standardOutput: fixture(input))))
        #expect(try Self.canonical(table.json()) == Self.canonical(fixture(real)))
    }

    @Test("a numeric column keeps a cell the tool left as text (unknown) a string")
    func unknownStaysText() throws {
        let table = RecordTable(columns: ["Member", "Receive Lag"], rows: [["a", "0"], ["b", "unknown"], ["c", ""]],
                                numericColumns: ["Receive Lag"], omitsEmptyCells: true)
        #expect(try Self.canonical(table.json()) == #"[{"Member":"a","Receive Lag":0},{"Member":"b","Receive Lag":"unknown"},{"Member":"c"}]"#)
    }

    /// JSON with sorted keys and Foundation's own types: `1` and `"1"` differ.
    static func canonical(_ text: String) throws -> String {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }
}
