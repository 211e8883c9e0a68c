/// POSIX shell quoting: how a value is written so that `sh` reads back
/// exactly that value and nothing else.
public enum ShellQuoting {
    /// Characters that never need quoting in any POSIX shell context.
    static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        case "_", "@", "%", "+", "=", ":", ",", ".", "/", "-": true
        default: false
        }
    }

    /// `value` as one shell word: unchanged when it is plainly safe, else in
    /// single quotes (a `'` inside becomes `'\''`).
    public static func quote(_ value: String) -> String {
        if !value.isEmpty, value.unicodeScalars.allSatisfy(isSafe) { return value }
        return "'" + value.replacingAll("'", with: #"'\''"#) + "'"
    }

    /// `words` as one command line for `sh -c`, each word quoted on its own.
    public static func join(_ words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    /// `value` written for the quoting context it is spliced into, so that it
    /// stays one literal value there.
    static func splice(_ value: String, into context: QuoteContext) -> String {
        switch context {
        case .unquoted: quote(value)
        case .single: value.replacingAll("'", with: #"'\''"#)
        case .double:
            String(value.unicodeScalars.flatMap { scalar -> [Character] in
                switch scalar {
                case "\\", "\"", "$", "`": ["\\", Character(scalar)]
                default: [Character(scalar)]
                }
            })
        }
    }
}

/// Where a position in shell text stands with respect to quotes.
enum QuoteContext: Sendable {
    case unquoted, single, double
}

/// Follows POSIX quoting through shell text one character at a time, so a
/// value can be spliced in correctly for the context at that point.
struct QuoteTracker {
    private(set) var context = QuoteContext.unquoted
    private var escaped = false

    mutating func consume(_ scalar: Unicode.Scalar) {
        if escaped { escaped = false; return }
        switch (context, scalar) {
        case (.unquoted, "'"): context = .single
        case (.single, "'"): context = .unquoted
        case (.unquoted, "\""): context = .double
        case (.double, "\""): context = .unquoted
        case (.unquoted, "\\"), (.double, "\\"): escaped = true
        default: break
        }
    }

    mutating func consume(_ text: String) {
        for scalar in text.unicodeScalars { consume(scalar) }
    }
}

extension String {
    /// The string with every `target` character replaced.
    public func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var result = ""
        result.reserveCapacity(count + 8)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
