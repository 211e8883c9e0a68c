/// A fenced code block of a runbook step, split into the commands to run and
/// the example output shown after them.
public struct RunbookBlock: Sendable, Equatable {
    /// The info string as written after the opening fence: `"sh"`, `"8sh"`, `""`.
    public var info: String
    /// The 1-based line of the opening fence.
    public var line: Int
    /// The command lines, in order.
    public var commands: [RunbookCommand]
    /// The lines judged example output, as written (dedented).
    public var output: [String]
    /// Every line of the block, dedented, for display.
    public var text: [String]
}

extension RunbookBlock {
    /// Reads a block's lines, already dedented by the fence's indentation;
    /// `lines[0]` is on file line `line + 1`. The rules are
    /// `RunbookReader`'s rule 6.
    init(info: String, line: Int, lines: [String]) {
        var reader = CommandReader(lines: lines, firstLine: line + 1)
        if Self.isShell(info) {
            reader.read()
        } else {
            reader.output = lines.filter { !$0.isBlankLine }
        }
        self.init(info: info, line: line, commands: reader.commands, output: reader.output, text: lines)
    }

    /// Languages whose blocks are shown, never run: their lines are output.
    static let notShell: Set<String> = [
        "sql", "psql", "pgsql", "plpgsql", "yaml", "yml", "json", "toml", "ini", "conf", "cfg", "xml", "html", "csv",
        "hcl", "text", "txt", "plain", "plaintext", "output", "log", "diff", "patch", "python", "py", "ruby", "rb", "go",
    ]

    /// Whether a block with this info string may hold shell commands: any
    /// language but the well-known others (`8sh` counts as a shell).
    static func isShell(_ info: String) -> Bool {
        let language = info.prefix { !$0.isWhitespace && $0 != "{" && $0 != "," }.lowercased()
        return !notShell.contains(language)
    }
}

/// Splits a shell block's lines into commands and output (rule 6).
private struct CommandReader {
    let lines: [String]
    let firstLine: Int
    var commands: [RunbookCommand] = []
    var output: [String] = []
    private var index = 0

    init(lines: [String], firstLine: Int) {
        self.lines = lines
        self.firstLine = firstLine
    }

    mutating func read() {
        let prompted = lines.contains { Self.strippingPrompt($0) != nil }
        var inOutput = false
        while index < lines.count {
            let line = lines[index]
            let body = line.strippedOfBlanks
            if body.isEmpty {
                index += 1
            } else if prompted {
                if let command = Self.strippingPrompt(line) {
                    readCommand(command, prompted: true)
                } else {
                    output.append(line)
                    index += 1
                }
            } else if inOutput {
                output.append(line)
                index += 1
            } else if body.first == "#" {
                index += 1
            } else if Self.looksLikeOutput(body) {
                inOutput = true
                output.append(line)
                index += 1
            } else {
                readCommand(body, prompted: false)
            }
        }
    }

    /// Reads the command starting at `index`, whose first line is `first`
    /// (prompt removed), with its continuation lines and here-documents.
    private mutating func readCommand(_ first: Substring, prompted: Bool) {
        let start = index
        index += 1
        var text = String(first.strippedOfBlanks)
        var scan = ShellLineScan()
        scan.read(text[...])
        while scan.continues, index < lines.count {
            let next = Self.continuation(lines[index], prompted: prompted)
            index += 1
            if scan.endsInBackslash {
                text.removeLast()
                if scan.quote != nil {
                    text += next
                } else if text.last?.isWhitespace == true || next.first?.isWhitespace == true {
                    text = text.trimmingTrailingBlanks() + " " + next.drop { $0.isWhitespace }
                } else {
                    text += next
                }
            } else {
                text += "\n" + next
            }
            scan.read(next)
        }
        for delimiter in scan.hereDocuments {
            while index < lines.count {
                let next = Self.continuation(lines[index], prompted: prompted)
                index += 1
                text += "\n" + next
                if next.strippedOfBlanks == delimiter { break }
            }
        }
        if scan.endsInBackslash { text.removeLast() }
        text = text.trimmingTrailingBlanks()
        // `$ # note` and a bare `$` are not commands.
        guard let head = text.first, head != "#" else { return }
        commands.append(RunbookCommand(text: text, line: firstLine + start))
    }

    /// A continuation line, without the `> ` prompt a terminal shows for one.
    private static func continuation(_ line: String, prompted: Bool) -> Substring {
        prompted && line.hasPrefix("> ") ? line.dropFirst(2) : line[...]
    }

    /// The command after a shell prompt at the start of `line`, or nil:
    /// `$ `, `user@host:path$ `, `user@host:path# `, `[user@host dir]$ `,
    /// `host$ `, `host:path$ `. A bare `# ` is a comment, `> ` a quote.
    static func strippingPrompt(_ line: String) -> Substring? {
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

    /// Whether a line (blanks trimmed) reads as a tool's output rather than
    /// a command: it holds a tab, or its first word is not a command name.
    static func looksLikeOutput(_ body: Substring) -> Bool {
        body.contains("\t") || !isCommandWord(body.prefix { !$0.isWhitespace })
    }

    /// A plausible command name: starts with a letter, `_ . / ~ $` and holds
    /// only letters, digits and `_ - . / + ~ $ { } =` (ASCII). Table borders
    /// (`+ | ─ ┌ ╭ ═`), numbers, `Key:` and quotes fail it.
    static func isCommandWord(_ word: Substring) -> Bool {
        guard let first = word.first, first.isASCII, first.isLetter || "_./~$".contains(first) else { return false }
        return word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-./+~${}=".contains($0)) }
    }
}
