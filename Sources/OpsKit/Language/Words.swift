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
        var scanner = WordScanner(Array(line.utf8))
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
