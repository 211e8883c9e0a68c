/// How a plugin file reads a tool's output into records: the `[output]`
/// table of a subcommand.
struct RecordFormat: Sendable {
    enum Layout: Sendable {
        /// JSON; `records` is the path to the array (`[].backup`: each
        /// stanza's backups), each column a path inside a record.
        case json(records: String, columns: [(name: String, path: String)])
        /// One record per line, split at runs of blanks or at `separator`;
        /// the last column takes the rest of the line.
        case columns(header: Bool, separator: String?)
        /// ASCII boxes (`| a | b |`), as patronictl draws them.
        case table
        /// One record per matching line; columns are the named groups.
        case regex(pattern: String)
    }

    var layout: Layout
    /// Column names given by the file; nil: from the header.
    var names: [String]?
    /// Columns typed as numbers in `--json`.
    var numbers: Set<String>
    /// Arguments the tool needs to print this (`--output=json`): added for
    /// `--json`; a line without them is shown as the tool prints it.
    var arguments: [String]
    /// The columns, when the file fixes them (not read from a header).
    var knownColumns: [String]?

    /// The records in `text`, or nil when it is not what the format expects.
    func table(_ text: String) -> RecordTable? {
        switch layout {
        case let .json(records, columns):
            guard let document = JSONDocument.parse(text) else { return nil }
            let rows = Self.records(in: document, path: records).map { record, ancestors in
                columns.map { Self.value(at: $0.path, in: record, ancestors: ancestors)?.cell ?? "" }
            }
            return RecordTable(columns: columns.map(\.name), rows: rows, numericColumns: numbers)
        case let .columns(header, separator):
            var lines = text.textLines.filter { !$0.trimmingTrailingBlanks().isEmpty }
            var columns = names ?? []
            if header {
                guard !lines.isEmpty else { return nil }
                let first = lines.removeFirst()
                if names == nil { columns = Self.split(first, separator: separator, into: nil) }
            }
            guard !columns.isEmpty else { return nil }
            let rows = lines.map { Self.split($0, separator: separator, into: columns.count) }
            return RecordTable(columns: columns, rows: rows, numericColumns: numbers)
        case .table:
            let boxed = text.textLines.map { $0.trimmingTrailingBlanks() }.filter { $0.drop { $0 == " " }.hasPrefix("|") }
            guard let first = boxed.first else { return nil }
            let cells = { (line: String) in line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmed } }
            let columns = names ?? cells(first)
            return RecordTable(columns: columns, rows: boxed.dropFirst().map(cells), numericColumns: numbers)
        case .regex(let pattern):
            guard let regex = try? Regex(pattern) else { return nil }
            let groups = names ?? Self.groupNames(in: pattern)
            let rows = text.textLines.compactMap { line -> [String]? in
                guard let match = try? regex.firstMatch(in: line) else { return nil }
                return groups.map { match.output[$0]?.substring.map(String.init) ?? "" }
            }
            return RecordTable(columns: groups, rows: rows, numericColumns: numbers)
        }
    }

    /// `(?<name>…)` and `(?P<name>…)` group names, in order.
    static func groupNames(in pattern: String) -> [String] {
        var names: [String] = []
        var rest = Substring(pattern)
        while let open = rest.firstRange(of: "(?") {
            rest = rest[open.upperBound...]
            if rest.hasPrefix("P") { rest = rest.dropFirst() }
            guard rest.hasPrefix("<"), !rest.hasPrefix("<="), !rest.hasPrefix("<!") else { continue }
            let name = rest.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            if !name.isEmpty { names.append(String(name)) }
        }
        return names
    }

    /// Cells of one line: at most `count` (the last keeps the rest), padded.
    static func split(_ line: String, separator: String?, into count: Int?) -> [String] {
        var cells: [String]
        if let separator, !separator.isEmpty {
            cells = line.split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmed }
            if let count, cells.count > count { cells = Array(cells[..<(count - 1)]) + [cells[(count - 1)...].joined(separator: separator)] }
        } else {
            cells = []
            var rest = Substring(line).drop { $0 == " " || $0 == "\t" }
            while !rest.isEmpty {
                if let count, cells.count == count - 1 {
                    cells.append(String(rest).trimmingTrailingBlanks())
                    break
                }
                let word = rest.prefix { $0 != " " && $0 != "\t" }
                cells.append(String(word))
                rest = rest[word.endIndex...].drop { $0 == " " || $0 == "\t" }
            }
        }
        if let count, cells.count < count { cells += Array(repeating: "", count: count - cells.count) }
        return cells
    }

    /// Each record the path reaches, with the elements it was found inside
    /// (innermost last). A record whose array is empty still yields its
    /// enclosing element, so a stanza with no backups is a row.
    static func records(in document: JSONDocument, path: String) -> [(JSONDocument?, [JSONDocument])] {
        // Each element an explicit `[]` steps into is pushed as an ancestor.
        var current: [(value: JSONDocument?, ancestors: [JSONDocument])] = [(document, [])]
        let steps = path.split(separator: ".").flatMap { part -> [Substring] in
            part.hasSuffix("[]") && part != "[]" ? [part.dropLast(2), "[]"] : [part]
        }
        for step in steps {
            current = current.flatMap { value, ancestors -> [(value: JSONDocument?, ancestors: [JSONDocument])] in
                guard let value else { return [(nil, ancestors)] }
                guard step == "[]" else { return [(member(String(step), of: value), ancestors)] }
                guard case .array(let elements) = value else { return [] }
                return elements.map { ($0, ancestors + [$0]) }
            }
        }
        let endsInIteration = steps.last == "[]"
        return current.flatMap { value, ancestors -> [(JSONDocument?, [JSONDocument])] in
            switch value {
            case .array(let elements) where !endsInIteration:
                if elements.isEmpty { return ancestors.isEmpty ? [] : [(nil, ancestors)] }
                return elements.map { ($0, ancestors) }
            case nil:
                return ancestors.isEmpty ? [] : [(nil, ancestors)]
            case let record?:
                return [(record, endsInIteration ? Array(ancestors.dropLast()) : ancestors)]
            }
        }
    }

    /// The value at a column's path: `timestamp.start`, `repo.0.key`, or
    /// `../name` for the element the record was found inside.
    static func value(at path: String, in record: JSONDocument?, ancestors: [JSONDocument]) -> JSONDocument? {
        var rest = Substring(path)
        var level = 0
        while rest.hasPrefix("../") { level += 1; rest = rest.dropFirst(3) }
        var value: JSONDocument? = level == 0 ? record : (ancestors.count >= level ? ancestors[ancestors.count - level] : nil)
        for step in rest.split(separator: ".") where value != nil { value = member(String(step), of: value!) }
        return value
    }

    static func member(_ step: String, of value: JSONDocument) -> JSONDocument? {
        if case .array(let elements) = value, let index = Int(step) { return elements.indices.contains(index) ? elements[index] : nil }
        return value[step]
    }
}

extension Substring {
    var trimmed: String { String(drop { $0 == " " || $0 == "\t" }).trimmingTrailingBlanks() }
}
