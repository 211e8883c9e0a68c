/// Joins physical lines into logical ones: a line with an open quote or a
/// trailing backslash continues on the next, as in `sh`.
public struct LineAssembler: Sendable {
    private var pending: String?
    /// The 1-based physical line number where the pending logical line began.
    public private(set) var startLine = 0
    private var lineNumber = 0

    public init() {}

    /// Whether a logical line is waiting for more input.
    public var isContinuing: Bool { pending != nil }

    /// Adds a physical line; returns a complete logical line, or nil when
    /// the line continues.
    public mutating func add(_ line: String) -> String? {
        lineNumber += 1
        let text = pending.map { $0 + "\n" + line } ?? line
        if pending == nil { startLine = lineNumber }
        do {
            _ = try Words(parsing: text)
        } catch where error.isIncomplete {
            pending = text
            return nil
        } catch {}
        pending = nil
        return text
    }

    /// The unfinished line at end of input, if any (its error is reported
    /// when it runs).
    public mutating func finish() -> String? {
        defer { pending = nil }
        return pending
    }
}
