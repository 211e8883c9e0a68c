/// One word of a command line, before expansion: literal text and references
/// to session variables, in the order they were typed.
///
/// Words keep references symbolic so that a recording can write the line as
/// typed while execution sees the values.
public struct Word: Sendable, Hashable {
    /// A run of literal text, or a `$…` reference the session expands.
    public enum Piece: Sendable, Hashable {
        case literal(String)
        case reference(Reference)
    }

    /// The pieces of the word, quotes already removed.
    public internal(set) var pieces: [Piece]
    /// The 1-based column where the word starts.
    public let column: Int

    public init(pieces: [Piece], column: Int) {
        self.pieces = pieces
        self.column = column
    }

    /// A word of plain literal text.
    public init(_ text: String, column: Int = 1) {
        self.init(pieces: [.literal(text)], column: column)
    }

    /// The word's text with references written back as `$NAME`; what a
    /// completion or an error message shows.
    public var symbolicText: String {
        pieces.map { piece in
            switch piece {
            case .literal(let text): text
            case .reference(let reference): reference.spelling
            }
        }.joined()
    }

    /// Whether the word refers to any session variable or the pinned date.
    public var hasReferences: Bool {
        pieces.contains { if case .reference = $0 { true } else { false } }
    }

    mutating func append(_ text: String) {
        // Take the last literal out of the array before growing it: while
        // the array holds it too, `+=` copies the whole run for each
        // character, and a 1 MB word took minutes.
        if case .literal(var last)? = pieces.last {
            pieces.removeLast()
            last += text
            pieces.append(.literal(last))
        } else {
            pieces.append(.literal(text))
        }
    }

    mutating func append(_ scalar: Unicode.Scalar) {
        if case .literal(var last)? = pieces.last {
            pieces.removeLast()
            last.unicodeScalars.append(scalar)
            pieces.append(.literal(last))
        } else {
            pieces.append(.literal(String(Character(scalar))))
        }
    }
}

/// A `$…` the shell itself expands: a session variable or the pinned date.
public struct Reference: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `$NAME` or `${NAME}`.
        case variable(String)
        /// `$(date +%F)` and its equivalents: the session's pinned date stamp.
        case pinnedDate
    }

    public let kind: Kind
    /// Exactly what was typed, e.g. `${datadir}` or `$(date +%F)`.
    public let spelling: String
    /// The 1-based column of the `$`.
    public let column: Int
}
