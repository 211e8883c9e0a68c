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

extension TOMLPositions {
    /// The 1-based line of the first character TOML forbids where it is:
    /// a control character (but tab, newline, carriage return) anywhere, or
    /// a non-ASCII one outside strings and comments (bare keys are ASCII).
    /// Checked before TOMLKit sees the text: toml++ 3.x asserts (and in
    /// release builds assumes) that neither reaches its key parser, which
    /// the fuzz test found (`[\u{7F}a]`, `[\u{FFFD}a]`).
    static func lineOfForbiddenCharacter(in text: String) -> Int? {
        let bytes = Array(text.utf8)
        var line = 1
        var index = 0
        var quote: [UInt8]?  // the delimiter of the string we are in
        var comment = false
        func starts(_ delimiter: [UInt8]) -> Bool { bytes.count - index >= delimiter.count && Array(bytes[index..<index + delimiter.count]) == delimiter }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1; comment = false; if quote?.count == 1 { quote = nil }; index += 1; continue }
            if (byte < 0x20 && byte != 0x09 && byte != 0x0D) || byte == 0x7F { return line }
            if comment { index += 1; continue }
            if let open = quote {
                if open == [0x22] || open == [0x22, 0x22, 0x22], byte == 0x5C { index += 2; continue }  // an escape in a basic string
                if starts(open) { index += open.count; quote = nil; continue }
                index += 1
                continue
            }
            if byte >= 0x80 { return line }
            if byte == 0x23 { comment = true } else {
                for delimiter: [UInt8] in [[0x22, 0x22, 0x22], [0x27, 0x27, 0x27], [0x22], [0x27]] where starts(delimiter) {
                    quote = delimiter
                    index += delimiter.count - 1
                    break
                }
            }
            index += 1
        }
        return nil
    }
}
