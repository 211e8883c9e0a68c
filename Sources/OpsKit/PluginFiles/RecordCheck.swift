/// A condition every record must meet, from a plugin file's `checks`:
/// `status == ok`, `size > 0`, `state ~ online` (contains). Numbers compare
/// as numbers when both sides read as one.
struct RecordCheck: Sendable, Equatable {
    enum Comparison: String, Sendable, CaseIterable {
        case equal = "==", notEqual = "!=", atMost = "<=", atLeast = ">=", less = "<", greater = ">", contains = "~"
    }

    var text: String
    var column: String
    var comparison: Comparison
    var value: String

    /// Reads `FIELD OP VALUE`; nil with the reason when it is not that.
    static func parse(_ text: String) -> Result<RecordCheck, CheckSyntaxError> {
        // Two-character operators first, so `<=` is not read as `<`.
        for comparison in Comparison.allCases {
            guard let range = text.firstRange(of: comparison.rawValue) else { continue }
            let column = Substring(text[..<range.lowerBound]).trimmed
            var value = Substring(text[range.upperBound...]).trimmed
            if value.count >= 2, let first = value.first, first == "'" || first == "\"", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            guard !column.isEmpty, !column.contains(" ") else { break }
            return .success(RecordCheck(text: text, column: column, comparison: comparison, value: value))
        }
        return .failure(CheckSyntaxError(text: text))
    }

    /// Whether `cell` meets the condition.
    func holds(for cell: String) -> Bool {
        if comparison == .contains { return cell.contains(value) }
        if let left = Double(cell), let right = Double(value) {
            switch comparison {
            case .equal: return left == right
            case .notEqual: return left != right
            case .less: return left < right
            case .atMost: return left <= right
            case .greater: return left > right
            case .atLeast: return left >= right
            case .contains: return false
            }
        }
        switch comparison {
        case .equal: return cell == value
        case .notEqual: return cell != value
        case .less: return cell < value
        case .atMost: return cell <= value
        case .greater: return cell > value
        case .atLeast: return cell >= value
        case .contains: return false
        }
    }

    /// The first record that fails, as a sentence; nil when all hold.
    func failure(in table: RecordTable) -> String? {
        guard let index = table.columns.firstIndex(of: column) else {
            return "check `\(text)`: the records have no column \(column) (they have \(table.columns.joined(separator: ", ")))"
        }
        for row in table.rows {
            let cell = row.indices.contains(index) ? row[index] : ""
            guard holds(for: cell) else {
                let name = row.first.map { "\(table.columns[0]) \($0)" } ?? "a record"
                return "check `\(text)` failed: \(name) has \(column) = \(cell.isEmpty ? "(empty)" : cell)"
            }
        }
        return nil
    }
}

/// A check that is not `FIELD OP VALUE`.
struct CheckSyntaxError: Error {
    let text: String
    var description: String {
        "`\(text)` is not a check: write FIELD OP VALUE, OP one of == != < <= > >= ~ (contains), e.g. \"status == ok\""
    }
}
