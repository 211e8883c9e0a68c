import Foundation
import OpsKit

extension EtcdctlPlugin {
    public func readsOutput(of invocation: ToolInvocation) -> Bool {
        ["get", "del"].contains(grammar.resolve(invocation.arguments).path.first?.name ?? "")
    }

    /// `get` as keys and values, in each of etcdctl's forms
    /// (`etcdctl/ctlv3/command/printer_simple.go`, `printer_json.go`);
    /// `del` as the number of keys deleted.
    public func table(for invocation: ToolInvocation, output: CapturedOutput) -> RecordTable? {
        let (path, positionals) = grammar.resolve(invocation.arguments)
        guard output.status.isSuccess, let verb = path.first?.name else { return nil }
        let arguments = invocation.arguments
        if verb == "del" {
            let count = output.standardOutput.textLines.first { !$0.isEmpty }
            return count.flatMap(Int.init).map { RecordTable(columns: ["deleted"], rows: [[String($0)]], numericColumns: ["deleted"]) }
        }
        guard verb == "get" else { return nil }
        if arguments.contains("-w=json") || arguments.contains("--write-out=json") || zip(arguments, arguments.dropFirst()).contains(where: { ["-w", "--write-out"].contains($0) && $1 == "json" }) {
            return EtcdKeys.fromJSON(output.standardOutput).map { EtcdKeys.table($0, values: true) }
        }
        if arguments.contains("--keys-only") {
            return EtcdKeys.table(output.standardOutput.textLines.filter { !$0.isEmpty }.map { ($0, "") }, values: false)
        }
        guard !arguments.contains("--print-value-only") else { return nil }
        let prefix = arguments.contains("--prefix") ? positionals.first : nil
        return EtcdKeys.table(EtcdKeys.fromText(output.standardOutput, prefix: prefix), values: true)
    }
}

/// Reading etcdctl's key/value output.
enum EtcdKeys {
    /// The simple form: each key on a line, then its value. A value may
    /// hold newlines; with `--prefix` every key starts with the prefix, so
    /// a line that does starts the next pair. Without, lines alternate.
    static func fromText(_ text: String, prefix: String?) -> [(key: String, value: String)] {
        var lines = text.textLines
        if lines.last == "" { lines.removeLast() }
        var pairs: [(key: String, value: String)] = []
        var index = 0
        while index < lines.count {
            let key = lines[index]
            var value: [String] = []
            index += 1
            while index < lines.count {
                if let prefix, lines[index].hasPrefix(prefix), !value.isEmpty { break }
                value.append(lines[index])
                index += 1
                if prefix == nil { break }
            }
            pairs.append((key, value.joined(separator: "\n")))
        }
        return pairs
    }

    /// `-w json`: `{"header": …, "kvs": [{"key": base64, "value": base64, …}], "count": N}`;
    /// no `kvs` when nothing matched.
    static func fromJSON(_ text: String) -> [(key: String, value: String)]? {
        guard let document = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], document["header"] != nil else { return nil }
        let entries = document["kvs"] as? [[String: Any]] ?? []
        return entries.map { entry in
            func decoded(_ field: String) -> String {
                (entry[field] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            }
            return (decoded("key"), decoded("value"))
        }
    }

    static func table(_ pairs: [(key: String, value: String)], values: Bool) -> RecordTable {
        values
            ? RecordTable(columns: ["key", "value"], rows: pairs.map { [$0.key, $0.value] })
            : RecordTable(columns: ["key"], rows: pairs.map { [$0.key] })
    }
}
