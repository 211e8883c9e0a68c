/// A shell prompt at the start of a transcript's line: `$ `,
/// `user@host:path$ `, `user@host:path# `, `[user@host dir]$ `, `host$ `,
/// `host:path$ `. A bare `# ` is a comment, `> ` a quote.
enum ShellPrompt {
    /// The command after the prompt, or nil when the line has none.
    static func strip(_ line: String) -> Substring? {
        // Most lines have no prompt: a prompt's first word starts with `[`
        // or ends in `$` or `#`, which the bytes tell at once.
        let word = line.utf8.drop { $0 == 0x20 || $0 == 0x09 }.prefix { $0 != 0x20 && $0 != 0x09 }
        guard word.first == UInt8(ascii: "[") || word.last == UInt8(ascii: "$") || word.last == UInt8(ascii: "#") else { return nil }
        let body = line.drop { $0 == " " || $0 == "\t" }
        let name: Substring, signIndex: Substring.Index
        if body.first == "[" {
            guard let close = body.firstIndex(of: "]") else { return nil }
            name = body[body.index(after: body.startIndex)..<close]
            guard name.contains("@") else { return nil }
            signIndex = body.index(after: close)
        } else {
            let word = body.prefix { !$0.isWhitespace }
            guard !word.isEmpty else { return nil }
            name = word.dropLast()
            signIndex = name.endIndex
        }
        guard signIndex < body.endIndex else { return nil }
        let sign = body[signIndex]
        let rest = body[body.index(after: signIndex)...]
        guard sign == "$" || sign == "#", rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        guard body.first == "[" || isPromptName(name, root: sign == "#") else { return nil }
        return rest.drop { $0 == " " || $0 == "\t" }
    }

    /// `user@host[:path]` (before `$` or `#`), `host[:path]` (before `$` only),
    /// or nothing (a bare `$`).
    private static func isPromptName(_ name: Substring, root: Bool) -> Bool {
        if name.isEmpty { return !root }
        let place = name.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let who = place[0].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        let isHostName = { (part: Substring) in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
        }
        guard who.allSatisfy(isHostName) else { return false }
        return who.count == 2 || !root
    }
}
