/// Reads a runbook's lines into steps. The Markdown subset it reads:
///
/// 1. **Text.** UTF-8 without NUL or other control bytes (tab, line ends and
///    form feed are fine); a leading byte-order mark is skipped. Anything else
///    is `RunbookError.notText` with the first bad line. Lines end at `\n`,
///    `\r\n` or `\r` (`String.textLines`, which also breaks at a form feed
///    and at Unicode's line and paragraph separators).
/// 2. **Code blocks** are fenced: three or more backticks or tildes, at any
///    indentation (list items indent them 2 to 4 spaces or more), an info
///    string as written after them (`sh`, `8sh`, nothing). A fence of the same
///    character, at least as long, with nothing after it, closes the block. The
///    block's lines lose the opening fence's indentation. A fence never closed
///    is an error (not CommonMark's "runs to the end", which would swallow the
///    steps after it). Indented code without a fence is text, never commands.
///    Nothing inside a block starts a step, a heading or a comment.
/// 3. **Steps.** A line `N.` or `N)` (1 to 9 digits, indented at most 3
///    spaces, then a blank or the end of the line) starts a step numbered N,
///    unless it is nested in the current step's item (indented to its text) or
///    the current step is a heading step (its numbered lists are its own). An
///    ATX heading (`#` to `######`) whose text starts with a number starts a
///    step too: `## 3. Restore`, `### 3) Restore`, `## Step 3: Restore`,
///    `## Step 3 - Restore`. A step runs to the next step, or to a heading
///    that is not a step (for a heading step: one of its level or above;
///    deeper ones are its sections); text after that heading belongs to no
///    step and is left out. Text before the first step is left out too.
///    Numbers may repeat; `ordinal` counts. A heading indented to a list
///    step's text column belongs to the step. Setext headings (text
///    underlined with `===` or `---`) are text. Any line that starts like
///    `2019. ` starts a step, even inside a paragraph.
/// 4. **Title.** The step's first line of text (after `N.` or the heading's
///    number and `.`/`)`/`:`/`-`), cut before its first `. `, without a
///    trailing `:` or `.`, trimmed. The runbook's title is its first level-1
///    heading that is not a step.
/// 5. **Checks.** `<!-- opsshell: check COMMAND -->`,
///    `<!-- opsshell: wait COMMAND -->` and `<!-- opsshell: when NAME=VALUE -->`
///    (any case, may span lines; the command's whitespace collapsed) belong
///    to the step they are in, in order. Another word after `opsshell:` is an error, as is such a comment
///    outside any step. Other HTML comments are dropped; one never closed is
///    an error. `<!--` inside a backtick code span is text.
/// 6. **Commands and output** in a block (see `RunbookBlock`):
///    - A block whose language (first word of the info string) is a known
///      non-shell one (`sql`, `yaml`, `json`, `text`, `output`, `log`, …)
///      holds no commands: its lines are output.
///    - If any line starts with a prompt (`$ `, `user@host:path$ `,
///      `user@host:path# `, `[user@host dir]$ `, `host$ `; not `# `, not
///      `> `), only lines with a prompt are commands, prompt removed; other
///      lines are output.
///    - Otherwise blank lines and whole-line `#` comments are skipped, and
///      lines are commands until the first line that looks like output; it
///      and every later line are output. Output: a tab after the first
///      character, or a first word that is not a command name (a command name
///      starts with an ASCII letter, `_ . / ~ $` and holds only letters,
///      digits and `_ - . / + ~ $ { } =`), so table borders `+ | ─ ┌ ╭ ═`,
///      numbers, `Key:` lines and quotes are output.
///    - A command goes on over lines that end in a backslash (joined with one
///      blank), lines inside an open quote (joined with a line end) and its
///      here-documents; it keeps the line number of its first line. A
///      trailing `# comment` stays in the command's text.
/// 7. **Whole file.** No step: `RunbookError.noSteps`; steps but no command
///    in any: `RunbookError.noCommands`.
/// 8. Any input is read or refused with a `RunbookError`, never a crash.
struct RunbookReader {
    let source: String
    private(set) var title: String?
    private(set) var steps: [RunbookStep] = []
    private var step: Draft?
    private var fence: OpenFence?
    private var comment: OpenComment?

    private enum StepKind {
        case item(contentColumn: Int)
        case heading(level: Int)
    }

    /// The step being read.
    private struct Draft {
        var number: String
        var line: Int
        var kind: StepKind
        var prose: [String] = []
        var blocks: [RunbookBlock] = []
        var checks: [RunbookCheck] = []
    }

    private struct OpenFence {
        var fence: MarkdownLine.Fence
        var line: Int
        var lines: [String] = []
    }

    private struct OpenComment {
        var line: Int
        var body: String
    }

    private init(source: String) {
        self.source = source
    }

    /// Reads `lines` (the text's lines, `String.textLines`) into a title and steps.
    static func read(_ lines: [String], source: String) throws(RunbookError) -> (title: String?, steps: [RunbookStep]) {
        var reader = RunbookReader(source: source)
        for (offset, text) in lines.enumerated() {
            try reader.add(text, line: offset + 1)
        }
        if let open = reader.fence { throw .unclosedFence(source, line: open.line) }
        if let open = reader.comment { throw .unclosedComment(source, line: open.line) }
        reader.finishStep()
        guard !reader.steps.isEmpty else { throw .noSteps(source) }
        guard reader.steps.contains(where: { !$0.commands.isEmpty }) else { throw .noCommands(source) }
        return (reader.title, reader.steps)
    }

    private mutating func add(_ text: String, line: Int) throws(RunbookError) {
        let markdown = MarkdownLine(text)
        // The open block and comment grow in place (`fence!.lines`): a copy
        // taken out, grown and put back copies every line so far, and a
        // 100,000-line block took 78 s.
        if let opening = fence?.fence {
            if markdown.closes(opening) {
                let open = fence!
                fence = nil
                step?.blocks.append(RunbookBlock(info: opening.info, line: open.line, lines: open.lines))
            } else {
                fence!.lines.append(markdown.dedented(by: opening.indent))
            }
        } else if comment != nil {
            let characters = Array(text)
            guard let end = HTMLComments.find("-->", in: characters, from: 0) else {
                comment!.body += "\n" + text
                return
            }
            let open = comment!
            comment = nil
            try directive(open.body + "\n" + String(characters[..<end]), line: open.line)
            try addText(String(characters[(end + 3)...]), line: line, afterComment: true)
        } else if let opening = markdown.fenceOpening {
            openFence(opening, line: line)
        } else if let heading = markdown.heading, !isInsideItem(markdown.indent) {
            try addHeading(heading, line: line)
        } else if let item = markdown.orderedItem, !isInsideItem(item.indent), !isInHeadingStep {
            finishStep()
            step = Draft(number: String(item.number), line: line, kind: .item(contentColumn: item.contentColumn))
            if var opening = MarkdownLine(String(item.text)).fenceOpening {
                opening.indent = item.contentColumn
                openFence(opening, line: line)
            } else {
                try addText(String(item.text), line: line)
            }
        } else if case .item(let column) = step?.kind {
            try addText(markdown.dedented(by: column), line: line)
        } else {
            try addText(text, line: line)
        }
    }

    private var isInHeadingStep: Bool {
        if case .heading = step?.kind { true } else { false }
    }

    /// Whether a line indented `indent` columns is inside the current list
    /// step's item (a nested list, a heading in the item).
    private func isInsideItem(_ indent: Int) -> Bool {
        if case .item(let column) = step?.kind { indent >= column } else { false }
    }

    private mutating func addHeading(_ heading: MarkdownLine.Heading, line: Int) throws(RunbookError) {
        if let (number, title) = MarkdownLine.stepNumber(inHeading: heading.text) {
            finishStep()
            step = Draft(number: String(number), line: line, kind: .heading(level: heading.level))
            try addText(String(title), line: line)
        } else if case .heading(let level) = step?.kind, heading.level > level {
            try addText(String(repeating: "#", count: heading.level) + " " + heading.text, line: line)
        } else {
            finishStep()
            let shown = try addText(String(heading.text), line: line)
            if heading.level == 1, title == nil { title = String(shown.strippedOfBlanks) }
        }
    }

    private mutating func openFence(_ opening: MarkdownLine.Fence, line: Int) {
        step?.prose.append("")  // The block parts paragraphs, whatever the blank lines around it.
        fence = OpenFence(fence: opening, line: line)
    }

    /// Adds a line of text to the step's prose (if there is a step), taking
    /// out HTML comments and reading the `opsshell:` ones; returns what is
    /// shown. `afterComment`: the line's start closed a comment.
    @discardableResult
    private mutating func addText(_ text: String, line: Int, afterComment: Bool = false) throws(RunbookError) -> String {
        let (shown, comments, open) = HTMLComments.split(Array(text))
        for body in comments {
            try directive(body, line: line)
        }
        if let open { comment = OpenComment(line: line, body: open) }
        // A line that held only a comment leaves no blank line behind.
        if comments.isEmpty && open == nil && !afterComment || !shown.isBlankLine {
            step?.prose.append(shown.trimmingTrailingBlanks())
        }
        return shown
    }

    /// Reads a comment's text: an `opsshell:` directive becomes a check of the
    /// current step; any other comment is nothing.
    private mutating func directive(_ body: String, line: Int) throws(RunbookError) {
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

    private mutating func finishStep() {
        guard let draft = step else { return }
        step = nil
        var prose: [String] = []
        for line in draft.prose {
            let line = line.isBlankLine ? "" : line
            if line.isEmpty, prose.last?.isEmpty ?? true { continue }
            prose.append(line)
        }
        if prose.last?.isEmpty == true { prose.removeLast() }
        steps.append(RunbookStep(number: draft.number, ordinal: steps.count + 1, title: Self.title(prose), prose: prose,
                                 blocks: draft.blocks, checks: draft.checks, line: draft.line))
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
