/// The line of every key of a TOML text, by its full dotted path
/// (`subcommands.info.output.format`), for error messages: TOMLKit reports
/// positions for syntax errors only. One pass; a key inside an inline table
/// is reported at the line of the key that holds the table.
struct TOMLPositions {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table: [String] = []
        for (offset, raw) in text.textLines.enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            guard let first = line.first, first != "#" else { continue }
            if first == "[" {
                let inner = line.drop { $0 == "[" }
                guard let close = TOMLText.firstUnquoted("]", in: inner) else { continue }
                table = TOMLText.dottedParts(inner[..<close])
                // `[subcommands.go]` is also where `subcommands` starts.
                for count in 1...max(1, table.count) { record(Array(table.prefix(count)), offset + 1) }
            } else if let equals = TOMLText.firstUnquoted("=", in: line) {
                record(table + TOMLText.dottedParts(line[..<equals]), offset + 1)
            }
        }
    }

    private mutating func record(_ path: [String], _ line: Int) {
        let key = path.joined(separator: ".")
        if lines[key] == nil { lines[key] = line }
    }

    /// The line of `path`, or of the nearest enclosing key that has one.
    func line(of path: String) -> Int? {
        var path = Substring(path)
        while true {
            if let line = lines[String(path)] { return line }
            guard let dot = path.lastIndex(of: ".") else { return nil }
            path = path[..<dot]
        }
    }
}
