/// A line that cannot be run as written; the message says where and what to do.
public struct LanguageError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A quote opened at `column` is never closed.
        case unterminatedQuote(Character)
        /// A backslash ends the line: the command continues on the next one.
        case trailingBackslash
        /// `$NAME` where the session has no variable NAME.
        case unsetVariable(String)
        /// A `set`/`unset` name that is not a valid variable name.
        case invalidName(String)
        /// A character a terminal does not show as itself (NUL, ESC, CR…),
        /// or U+FFFD where the input was not valid UTF-8.
        case invisibleCharacter(Unicode.Scalar)
    }

    public let kind: Kind
    /// The 1-based column the problem starts at.
    public let column: Int

    public init(_ kind: Kind, column: Int) {
        self.kind = kind
        self.column = column
    }

    /// Whether more input could complete the line (an open quote or a trailing
    /// backslash); the REPL then reads a continuation line instead of failing.
    public var isIncomplete: Bool {
        switch kind {
        case .unterminatedQuote, .trailingBackslash: true
        case .unsetVariable, .invalidName, .invisibleCharacter: false
        }
    }

    public var description: String {
        switch kind {
        case .unterminatedQuote(let quote):
            "unbalanced quote: the \(quote) at column \(column) is never closed; close it or escape it with a backslash"
        case .trailingBackslash:
            "the line ends with a backslash at column \(column); the command continues on the next line"
        case .unsetVariable(let name):
            "unset variable $\(name) at column \(column): nothing was run. Set it with `set \(name) VALUE`, or write \\$\(name) to leave it to the remote shell"
        case .invalidName(let name):
            "'\(name)' is not a variable name: use letters, digits and _, not starting with a digit"
        case .invisibleCharacter(let scalar) where scalar == "\u{FFFD}":
            "the line is not valid UTF-8 (or holds U+FFFD) at column \(column): nothing was run. What would run is not what the terminal shows"
        case .invisibleCharacter(let scalar):
            "the line holds \(InputText.name(of: scalar)) at column \(column): nothing was run. A terminal does not show it, so what would run is not what was shown or confirmed"
        }
    }
}
