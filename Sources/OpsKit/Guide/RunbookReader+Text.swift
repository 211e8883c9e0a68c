/// The step's text: prose, HTML comments and their `opsshell:` directives,
/// inline commands, and the finished step.
extension RunbookReader {
    /// Adds a line of text to the step's prose (if there is a step), taking
    /// out HTML comments and reading the `opsshell:` ones; returns what is
    /// shown. `afterComment`: the line's start closed a comment.
    @discardableResult
    mutating func addText(_ text: String, line: Int, afterComment: Bool = false) throws(RunbookError) -> String {
        let (shown, comments, open) = HTMLComments.split(Array(text))
        for body in comments {
            try directive(body, line: line)
        }
        if let open { comment = OpenComment(line: line, body: open) }
        // A line that held only a comment leaves no blank line behind.
        if comments.isEmpty && open == nil && !afterComment || !shown.isBlankLine {
            step?.prose.append(shown.trimmingTrailingBlanks())
        }
        if step != nil, shown.contains("`") {
            // A tool's name alone (`patroni`) is a word in a sentence, not a command.
            for span in MarkdownLine.codeSpans(shown[...]) where span.contains(" ") && ShellLineShape.startsWithKnownTool(span) {
                step?.inline.append(RunbookCommand(text: String(span), line: line, kind: .suggested))
            }
        }
        return shown
    }

    /// Reads a comment's text: an `opsshell:` directive becomes a check of the
    /// current step; any other comment is nothing.
    mutating func directive(_ body: String, line: Int) throws(RunbookError) {
        let text = body.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard text.lowercased().hasPrefix("opsshell:") else { return }
        let words = text.dropFirst("opsshell:".count).split(separator: " ", maxSplits: 1)
        let word = words.first.map(String.init) ?? ""
        guard let kind = RunbookCheck.Kind(rawValue: word.lowercased()) else {
            throw .unknownDirective(source, line: line, word)
        }
        guard words.count == 2 else { throw .emptyDirective(source, line: line, word) }
        guard step != nil else { throw .strayDirective(source, line: line) }
        step?.checks.append(RunbookCheck(kind: kind, command: String(words[1]), line: line))
    }

    mutating func finishStep() {
        guard let draft = step else { return }
        step = nil
        var prose: [String] = []
        for line in draft.prose {
            let line = line.isBlankLine ? "" : line
            if line.isEmpty, prose.last?.isEmpty ?? true { continue }
            prose.append(line)
        }
        if prose.last?.isEmpty == true { prose.removeLast() }
        var finished = RunbookStep(number: draft.number, ordinal: steps.count + 1, title: Self.title(prose), prose: prose,
                                   blocks: draft.blocks, checks: draft.checks, line: draft.line)
        finished.checked = draft.checked
        finished.section = draft.section
        // Inline code is the step's commands only when it has no block.
        if draft.blocks.isEmpty { finished.suggested = draft.inline }
        steps.append(finished)
    }

    /// Rule 4: the first line, cut before its first `. `, without a trailing `:` or `.`.
    static func title(_ prose: [String]) -> String {
        guard let first = prose.first(where: { !$0.isBlankLine }) else { return "" }
        var text = first.strippedOfBlanks
        if let stop = text.firstRange(of: ". ") { text = text[..<stop.lowerBound] }
        if text.last == ":" || text.last == "." { text = text.dropLast() }
        return String(text.strippedOfBlanks)
    }
}
