/// A command line split into words the way a POSIX shell splits them, with
/// `$…` references kept symbolic.
///
/// Splitting follows `sh`: blanks separate words, `'…'` and `"…"` quote,
/// a backslash escapes, and `#` at the start of a word begins a comment.
/// Unlike `sh`, session variables are found inside single quotes too (those
/// quotes belong to the remote command), and `\$` keeps a `$` from us.
public struct Words: Sendable, Hashable {
    /// The words, quotes removed.
    public let words: [Word]
    /// The whole line as shell text, quotes kept and the comment dropped: what
    /// `/bin/sh -c` receives when no built-in or plugin claims the line.
    public let source: Word
    /// The text after an unquoted `#`, if any.
    public let comment: String?
    /// Whether the line holds unquoted shell syntax (`|`, `;`, `&`, `<`, `>`,
    /// parentheses, backquotes): then it is one shell command line, for
    /// `sh` to run whole, whatever its first word.
    public let hasShellSyntax: Bool

    /// Whether the line holds no command (blank, or only a comment).
    public var isEmpty: Bool { words.isEmpty }

    /// Splits `line` into words.
    /// - Throws: `LanguageError` with the column of an unbalanced quote or a
    ///   trailing backslash (`isIncomplete` is true for both).
    public init(parsing line: String) throws(LanguageError) {
        var scanner = Scanner(Array(line.unicodeScalars))
        try scanner.run()
        words = scanner.words
        source = scanner.source
        comment = scanner.comment
        hasShellSyntax = scanner.hasShellSyntax
    }

    public init(words: [Word], source: Word, comment: String? = nil, hasShellSyntax: Bool = false) {
        self.words = words
        self.source = source
        self.comment = comment
        self.hasShellSyntax = hasShellSyntax
    }
}

/// The splitting state machine behind `Words(parsing:)`.
private struct Scanner {
    let scalars: [Unicode.Scalar]
    var index = 0
    var words: [Word] = []
    var source = Word(pieces: [], column: 1)
    var comment: String?
    var hasShellSyntax = false
    /// The word being built; nil between words.
    var current: Word?

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var column: Int { index + 1 }

    mutating func run() throws(LanguageError) {
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t", "\n", "\r":
                endWord()
                source.append(scalar)
                index += 1
            case "#" where current == nil:
                comment = String(String.UnicodeScalarView(scalars[(index + 1)...]))
                    .trimmingLeadingBlanks()
                index = scalars.count
            case "'":
                try quoted(by: "'")
            case "\"":
                try quoted(by: "\"")
            case "\\":
                guard index + 1 < scalars.count else {
                    throw LanguageError(.trailingBackslash, column: column)
                }
                let next = scalars[index + 1]
                if next == "\n" {
                    // A backslash-newline joins two physical lines, as in sh.
                    index += 2
                    continue
                }
                startWord()
                current!.append(next)
                // `\$` is a dollar for the shell that runs the line: it gets a
                // bare `$` (and expands it). Any other escape stays as typed.
                if next != "$" { source.append("\\") }
                source.append(next)
                index += 2
            case "$":
                startWord()
                dollar(quotedBy: nil)
            case "|", ";", "&", "<", ">", "(", ")", "`":
                hasShellSyntax = true
                startWord()
                current!.append(scalar)
                source.append(scalar)
                index += 1
            default:
                startWord()
                current!.append(scalar)
                source.append(scalar)
                index += 1
            }
        }
        endWord()
        // Trailing blanks are not part of the command.
        if case .literal(let text)? = source.pieces.last {
            source.pieces[source.pieces.count - 1] = .literal(text.trimmingTrailingBlanks())
        }
    }

    mutating func startWord() {
        if current == nil { current = Word(pieces: [], column: column) }
    }

    mutating func endWord() {
        if let word = current { words.append(word) }
        current = nil
    }

    /// Reads a quoted run starting at the opening quote.
    mutating func quoted(by quote: Unicode.Scalar) throws(LanguageError) {
        let opening = column
        startWord()
        source.append(quote)
        index += 1
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case quote:
                source.append(quote)
                index += 1
                return
            case "\\" where index + 1 < scalars.count:
                let next = scalars[index + 1]
                if next == "$" {
                    // `\$`: a `$` that is not ours but the shell's, in either
                    // kind of quotes; the shell gets it bare.
                    current!.append("$")
                    source.append("$")
                    index += 2
                } else if quote == "\"", ["\\", "\"", "`", "\n"].contains(next) {
                    current!.append(next)
                    source.append("\\")
                    source.append(next)
                    index += 2
                } else {
                    current!.append("\\")
                    source.append("\\")
                    index += 1
                }
            case "$":
                dollar(quotedBy: quote)
            default:
                current!.append(scalar)
                source.append(scalar)
                index += 1
            }
        }
        throw LanguageError(.unterminatedQuote(Character(quote)), column: opening)
    }

    /// Reads a `$…` at `index`: a reference we expand, or a literal `$`
    /// (with whatever follows) left for the shell that runs the command.
    mutating func dollar(quotedBy quote: Unicode.Scalar?) {
        let start = index
        if let (kind, length) = referenceAt(start) {
            let spelling = String(String.UnicodeScalarView(scalars[start..<(start + length)]))
            let reference = Reference(kind: kind, spelling: spelling, column: start + 1)
            current!.pieces.append(.reference(reference))
            source.pieces.append(.reference(reference))
            index += length
        } else {
            current!.append("$")
            source.append("$")
            index += 1
        }
    }

    /// The reference starting at `start` (a `$`) and its length in scalars.
    func referenceAt(_ start: Int) -> (Reference.Kind, Int)? {
        let rest = scalars[(start + 1)...]
        guard let first = rest.first else { return nil }
        if isNameStart(first) {
            let name = rest.prefix(while: isNameContinue)
            return (.variable(String(String.UnicodeScalarView(name))), 1 + name.count)
        }
        if first == "{" {
            let inner = rest.dropFirst()
            let name = inner.prefix(while: isNameContinue)
            guard let firstOfName = name.first, isNameStart(firstOfName),
                  inner.dropFirst(name.count).first == "}" else { return nil }
            return (.variable(String(String.UnicodeScalarView(name))), 3 + name.count)
        }
        if first == "(" {
            for form in Self.pinnedDateForms where rest.starts(with: form.dropFirst().unicodeScalars) {
                return (.pinnedDate, form.unicodeScalars.count)
            }
        }
        return nil
    }

    /// The `date` commands that print today's stamp in the pinned format.
    static let pinnedDateForms = ["$(date +%F)", "$(date +%Y-%m-%d)", "$(date -I)", "$(date --iso-8601)"]
}

func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "a"..."z", "A"..."Z", "_": true
    default: false
    }
}

func isNameContinue(_ scalar: Unicode.Scalar) -> Bool {
    isNameStart(scalar) || ("0"..."9").contains(scalar)
}

extension String {
    func trimmingLeadingBlanks() -> String {
        String(drop { $0 == " " || $0 == "\t" })
    }

    /// The string without trailing blanks and line ends.
    public func trimmingTrailingBlanks() -> String {
        var text = self
        while let last = text.last, last == " " || last == "\t" || last == "\n" || last == "\r" {
            text.removeLast()
        }
        return text
    }
}
