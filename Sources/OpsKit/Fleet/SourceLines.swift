/// Where each table and key of inventory TOML is, for error messages
/// (TOMLKit reports positions for syntax errors only).
///
/// Built only for an error, in one pass over the text: looking a header up by scanning every
/// line made loading quadratic in hosts (5,000 hosts took 49 s), and a
/// substring match put `[hosts.h1]`'s errors on `[hosts.h10]`'s line.
struct SourceLines {
    /// The 1-based line of each `[hosts.NAME]` header, by exact name.
    private var headers: [String: Int] = [:]
    /// The 1-based line of each key, by table (`""` for the top level, else
    /// the host's name) and key; the first occurrence wins.
    private var keys: [String: [String: Int]] = [:]

    init(_ text: String) {
        var table: String? = ""
        for (offset, line) in text.textLines.enumerated() {
            let trimmed = line.trimmingLeadingBlanksSubstring()
            if trimmed.hasPrefix("[") {
                table = Self.hostName(inHeader: trimmed)
                if let table, headers[table] == nil { headers[table] = offset + 1 }
            } else if let table, let key = Self.key(inLine: trimmed), keys[table]?[key] == nil {
                keys[table, default: [:]][key] = offset + 1
            }
        }
    }

    /// The line of the `[hosts.NAME]` header of host `name`.
    func hostHeader(_ name: String) -> Int? { headers[name] }

    /// The line of `key` at the top level, or in the host's table.
    func key(_ key: String, inHost host: String? = nil) -> Int? { keys[host ?? ""]?[key] }

    /// The host named by a header `[hosts.NAME]` or `[hosts."NAME"]`; nil for
    /// any other table (and for `[[…]]`).
    private static func hostName(inHeader header: Substring) -> String? {
        guard !header.hasPrefix("[["), let close = TOMLText.firstUnquoted("]", in: header) else { return nil }
        let parts = TOMLText.dottedParts(header[header.index(after: header.startIndex)..<close])
        guard parts.count == 2, parts[0] == "hosts" else { return nil }
        return parts[1]
    }

    /// The key a `key = value` line sets (bare or quoted), or nil.
    private static func key(inLine line: Substring) -> String? {
        guard let first = line.first, first != "#", let equals = TOMLText.firstUnquoted("=", in: line) else { return nil }
        return TOMLText.dottedParts(line[..<equals]).first
    }
}
