import OpsKit

extension ConsulPlugin {
    public func readsOutput(of invocation: ToolInvocation) -> Bool {
        let path = grammar.resolve(invocation.arguments).path.map(\.name)
        return path == ["kv", "get"] || path == ["members"]
    }

    /// What the `consul` CLI printed, as records: `kv get` (a value,
    /// `KEY:VALUE` lines with `-recurse`, key lines with `-keys`) and
    /// `members` (a columnized table).
    public func table(for invocation: ToolInvocation, output: CapturedOutput) -> RecordTable? {
        guard output.status.isSuccess, let command = try? ConsulCommand.parse(invocation.arguments) else { return nil }
        var lines = output.standardOutput.textLines
        if lines.last == "" { lines.removeLast() }
        switch command.verb {
        case .members:
            guard let header = lines.first, header.hasPrefix("Node ") else { return nil }
            let columns = Self.cells(header).map { $0.lowercased() }
            let rows = lines.dropFirst().map(Self.cells)
            guard rows.allSatisfy({ $0.count == columns.count }) else { return nil }
            return RecordTable(columns: columns, rows: rows)
        case .get where command.isSet("keys"):
            return RecordTable(columns: ["key"], rows: lines.map { [$0] })
        case .get where command.isSet("detailed"):
            return nil
        case .get where command.isRecursive:
            // A value may hold newlines: a line that does not start with
            // the prefix continues the value before it.
            var rows: [[String]] = []
            for line in lines {
                if line.hasPrefix(command.key), let colon = line.firstIndex(of: ":") {
                    rows.append([String(line[..<colon]), String(line[line.index(after: colon)...])])
                } else if !rows.isEmpty {
                    rows[rows.count - 1][1] += "\n" + line
                } else {
                    return nil
                }
            }
            return RecordTable(columns: ["key", "value"], rows: rows)
        case .get:
            return RecordTable(columns: ["key", "value"], rows: [[command.key, lines.joined(separator: "\n")]])
        case .put, .delete:
            return nil
        }
    }

    /// A columnized row: cells are separated by two spaces or more.
    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var spaces = 0
        for character in line {
            if character == " " {
                spaces += 1
                continue
            }
            if spaces >= 2, !current.isEmpty {
                cells.append(current)
                current = ""
            } else if spaces == 1 {
                current += " "
            }
            spaces = 0
            current.append(character)
        }
        if !current.isEmpty { cells.append(current) }
        return cells
    }
}
