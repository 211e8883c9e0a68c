/// The two pieces of TOML's surface both error-line indexes need
/// (`SourceLines` for the inventory, `TOMLPositions` for plugin files):
/// TOMLKit gives positions for syntax errors only.
enum TOMLText {
    /// The index of the first `target` outside quotes.
    static func firstUnquoted(_ target: Character, in text: Substring) -> Substring.Index? {
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == target {
                return index
            }
        }
        return nil
    }

    /// A dotted TOML key split into its parts, blanks and quotes removed:
    /// `hosts . "a.b"` is `["hosts", "a.b"]`.
    static func dottedParts(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current)
                current = ""
            } else if character != " " && character != "\t" {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }
}
