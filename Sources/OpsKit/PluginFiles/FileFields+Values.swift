import TOMLKit

extension FileFields {
    /// A string field; nil when absent (an error when `required`).
    func string(_ key: String, in table: TOMLTable, at prefix: String, required: Bool = false) throws(PluginFileError) -> String? {
        guard let value = table[key] else {
            if required { throw fail(prefix + key, "is missing: add \(key) = \"…\"") }
            return nil
        }
        guard let text = value.string else { throw fail(prefix + key, "must be a string, e.g. \(key) = \"…\"") }
        return text
    }

    /// A list of strings; nil when absent.
    func strings(_ key: String, in table: TOMLTable, at prefix: String) throws(PluginFileError) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw fail(prefix + key, "must be a list of strings, e.g. \(key) = [\"…\"]") }
        var found: [String] = []
        for element in array {
            guard let text = element.string else { throw fail(prefix + key, "must be a list of strings; \(element) is not one") }
            found.append(text)
        }
        return found
    }

    func bool(_ key: String, in table: TOMLTable, at prefix: String) throws(PluginFileError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw fail(prefix + key, "must be true or false") }
        return flag
    }

    func int(_ key: String, in table: TOMLTable, at prefix: String) throws(PluginFileError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw fail(prefix + key, "must be a whole number") }
        return number
    }

    /// `read-only`, `changes-state` or `destroys-data`.
    func risk(_ key: String, in table: TOMLTable, at prefix: String) throws(PluginFileError) -> Risk? {
        guard let text = try string(key, in: table, at: prefix) else { return nil }
        switch text {
        case "read-only": return .readOnly
        case "changes-state": return .changesState
        case "destroys-data": return .destroysData
        default: throw fail(prefix + key, "'\(text)' is not a risk: write read-only, changes-state or destroys-data")
        }
    }
}

extension RecordFormat {
    /// The `[output]` table of a command.
    static func read(_ table: TOMLTable, at prefix: String, in fields: FileFields) throws(PluginFileError) -> RecordFormat {
        let known: Set = ["format", "records", "columns", "header", "separator", "pattern", "numbers", "needs"]
        for key in table.keys where !known.contains(key) {
            throw fields.fail(prefix + key, "unknown field; [output] takes \(known.sorted().joined(separator: ", "))")
        }
        let format = try fields.string("format", in: table, at: prefix, required: true)!
        var columns = try fields.strings("columns", in: table, at: prefix)
        let layout: Layout
        switch format {
        case "json":
            guard let given = columns, !given.isEmpty else {
                throw fields.fail(prefix + "columns", "json output needs columns: [\"NAME=PATH\", …], e.g. [\"stanza=../name\", \"label\", \"start=timestamp.start\"]")
            }
            let pairs = given.map { column -> (name: String, path: String) in
                guard let equals = column.firstIndex(of: "=") else { return (column, column) }
                return (String(column[..<equals]), String(column[column.index(after: equals)...]))
            }
            if let bad = pairs.first(where: { $0.name.isEmpty || $0.path.isEmpty }) {
                throw fields.fail(prefix + "columns", "'\(bad.name)=\(bad.path)' needs a name and a path on either side of '='")
            }
            columns = pairs.map(\.name)
            layout = .json(records: try fields.string("records", in: table, at: prefix) ?? "", columns: pairs)
        case "columns":
            let header = try fields.bool("header", in: table, at: prefix) ?? true
            if !header, columns == nil { throw fields.fail(prefix + "columns", "with header = false, name the columns: columns = [\"…\"]") }
            layout = .columns(header: header, separator: try fields.string("separator", in: table, at: prefix))
        case "table":
            layout = .table
        case "regex":
            let pattern = try fields.string("pattern", in: table, at: prefix, required: true)!
            guard (try? Regex(pattern)) != nil else { throw fields.fail(prefix + "pattern", "is not a regular expression Swift can compile") }
            let groups = groupNames(in: pattern)
            guard !groups.isEmpty else { throw fields.fail(prefix + "pattern", "has no named groups: each column is a (?<name>…) group") }
            if let given = columns, given.count != groups.count {
                throw fields.fail(prefix + "columns", "names \(given.count) columns but the pattern has \(groups.count) named groups")
            }
            layout = .regex(pattern: pattern)
        default:
            throw fields.fail(prefix + "format", "'\(format)' is not a format: write json, columns, table or regex")
        }
        let numbers = try fields.strings("numbers", in: table, at: prefix) ?? []
        var named = columns
        if named == nil, case .regex(let pattern) = layout { named = groupNames(in: pattern) }
        if let named, let unknown = numbers.first(where: { !named.contains($0) }) {
            throw fields.fail(prefix + "numbers", "names \(unknown), which is not a column (\(named.joined(separator: ", ")))")
        }
        let names: [String]? = format == "json" ? nil : (try fields.strings("columns", in: table, at: prefix))
        return RecordFormat(layout: layout, names: names, numbers: Set(numbers), arguments: try fields.strings("needs", in: table, at: prefix) ?? [],
                            knownColumns: named)
    }
}
