/// Something the reader read one way that the author may have meant
/// another: shown before the listing and the walk, never a refusal.
public struct RunbookWarning: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line it is about.
    public var line: Int
    /// What was read, and what to change, e.g. `the ```sql block opened here
    /// is never closed; it runs to the end of the file`.
    public var message: String

    public var description: String { "line \(line): \(message)" }
}
