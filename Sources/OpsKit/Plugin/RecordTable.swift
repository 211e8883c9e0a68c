/// Records a plugin read from a tool's output, as a table the shell prints,
/// merges across hosts, or writes as JSON.
public struct RecordTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]
    /// Columns the tool itself types as numbers in its JSON (patronictl's
    /// `TL` and lags, Consul's `ModifyIndex`): a cell there that reads as a
    /// number is one in `json()`, so a `jq` filter works on both. Any other
    /// cell (`unknown`) stays a string, as the tool leaves it.
    public var numericColumns: Set<String>
    /// Leave empty cells out of `json()`, as `patronictl -f json` does.
    public var omitsEmptyCells: Bool

    public init(columns: [String], rows: [[String]], numericColumns: Set<String> = [], omitsEmptyCells: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.numericColumns = numericColumns
        self.omitsEmptyCells = omitsEmptyCells
    }

    /// The columns aligned, a header and one line per row; a newline in a
    /// cell (a multi-line value) shows as `\n`, so each row stays one line.
    public func rendered() -> String {
        let rows = self.rows.map { $0.map { $0.contains(where: \.isNewline) ? $0.textLines.joined(separator: "\\n") : $0 } }
        let widths = columns.indices.map { column in
            max(columns[column].count, rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0)
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { $0 == cells.count - 1 ? cells[$0] : cells[$0].padded(to: widths[$0]) }.joined(separator: "  ")
        }
        return ([line(columns)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// One JSON array of objects keyed by column name.
    public func json() -> String {
        JSONValue.array(rows.map { row in
            .object(columns.indices.compactMap { index -> (String, JSONValue)? in
                let cell = row.indices.contains(index) ? row[index] : ""
                if cell.isEmpty, omitsEmptyCells { return nil }
                if numericColumns.contains(columns[index]), let number = Double(cell), number.isFinite { return (columns[index], .number(number)) }
                return (columns[index], .string(cell))
            })
        }).encoded
    }

    /// Tables from several hosts as one, with a host column first.
    public static func merged(_ tables: [(host: String, table: RecordTable)]) -> RecordTable? {
        guard let first = tables.first?.table else { return nil }
        return RecordTable(columns: ["host"] + first.columns,
                           rows: tables.flatMap { host, table in table.rows.map { [host] + $0 } },
                           numericColumns: first.numericColumns, omitsEmptyCells: first.omitsEmptyCells)
    }
}
