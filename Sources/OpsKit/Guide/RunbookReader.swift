/// Reads a runbook's lines into steps. The Markdown subset it reads:
///
/// 1. **Text.** UTF-8 without NUL or other control bytes (tab, line ends and
///    form feed are fine); a leading byte-order mark is skipped. Anything else
///    is `RunbookError.notText` with the first bad line. Lines end at `\n`,
///    `\r\n` or `\r` (`String.textLines`, which also breaks at a form feed
///    and at Unicode's line and paragraph separators).
/// 2. **Code blocks**, as CommonMark reads them. Fenced: three or more
///    backticks or tildes, indented at most 3 columns past the list item
///    they are in (the step's item, or a list inside it), an info string as
///    written after them (`sh`, `8sh`, nothing). A fence of the same
///    character, at least as long, indented at most 3 columns, with nothing
///    after it, closes the block; so does the end of the list item it is in
///    (a line indented less than the item's text). The block's lines lose
///    the opening fence's indentation. A block never closed by a fence runs
///    to the end of its item or of the file, with a warning naming its
///    line; for a block that may hold commands (a shell's or none info
///    string) that is an error, since the rest would become commands.
///    Indented code: lines indented 4 columns or more past the item's text
///    (not continuing a paragraph) are a block with no info string.
///    Nothing inside a block starts a step, a heading or a comment.
/// 3. **Steps.** A line `N.` or `N)` (1 to 9 digits, indented at most 3
///    spaces, then a blank or the end of the line) starts a step numbered N;
///    so does a task-list item `- [ ] …` / `- [x] …` (numbered by its place
///    since the last heading), whose box is the step's `checked`;
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
///    number and `.`/`)`/`:`/`-`, a checkbox `[ ]`, and in a heading its
///    HTML tags and `{#anchor}`), cut before its first `. `, without a
///    trailing `:` or `.`, trimmed. The runbook's title is its first level-1
///    heading that is not a step.
/// 5. **Checks.** `<!-- opsshell: check COMMAND -->`,
///    `<!-- opsshell: wait COMMAND -->` and `<!-- opsshell: when NAME=VALUE -->`
///    (any case, may span lines; the command's whitespace collapsed) belong
///    to the step they are in, in order. Another word after `opsshell:` is an error, as is such a comment
///    outside any step. Other HTML comments are dropped; one never closed is
///    an error. `<!--` inside a backtick code span is text.
/// 6. **Commands and output** in a block (see `RunbookBlock`, `CommandReader`):
///    - A block whose language (first word of the info string) is a known
///      non-shell one (`sql`, `yaml`, `json`, `hcl`, `text`, `output`, …)
///      holds no commands: it is shown as that language.
///    - If any line starts with a prompt (`$ `, `user@host:path$ `,
///      `user@host:path# `, `[user@host dir]$ `, `host$ `; not `# `, not
///      `> `), only lines with a prompt are commands, prompt removed; other
///      lines are output.
///    - Otherwise blank lines and whole-line `#` comments are skipped, and
///      lines that read as shell (`ShellLineShape`) are commands until the
///      first line that does not: after a command, that line and the later
///      ones are output. A block with no info string whose first line does
///      not read as shell is text (`language` "text"): Terraform, YAML to
///      paste. A line that starts with a known tool where the reader would
///      otherwise hide it (in output, in text) is "unsure", as is a line of
///      a shell block that does not read as shell and follows no command:
///      the walk asks.
///    - A command goes on over lines that end in a backslash (joined with one
///      blank), lines inside an open quote, `$( … )` or `( … )`, an open
///      `if`/`for`/`while`/`until`/`case`/`{` (joined with a line end) and
///      its here-documents; it keeps the line number of its first line. A
///      trailing `# comment` stays in the command's text.
///    - **Inline commands.** In a step with no code block, code spans that
///      start with a known tool (`sudo …`, `gitlab-patronictl …`) are the
///      step's `suggested` commands.
/// 7. **Whole file.** No step: `RunbookError.noSteps`; steps but no command
///    (sure, unsure or suggested) in any: `RunbookError.noCommands`. Headings
///    that are not steps are sections; the procedures are made of them
///    (`RunbookProcedure`).
/// 8. Any input is read or refused with a `RunbookError`, never a crash.
struct RunbookReader {
    let source: String
    private(set) var title: String?
    var steps: [RunbookStep] = []
    private(set) var warnings: [RunbookWarning] = []
    var step: Draft?
    private var fence: OpenFence?
    private var indented: OpenFence?
    var comment: OpenComment?
    /// The text columns of the list items open around the current line
    /// (the step's item first): the base a code block's indentation counts from.
    private var containers: [Int] = []
    /// Whether the last line was paragraph text (indented code cannot interrupt one).
    private var inParagraph = false
    private var sections: [RunbookSection] = []
    private var tasks = 0
    /// The last list step's number as written and as numbered, until a heading.
    private var lastItemWritten: String?
    private var lastItemNumber: Int?

    enum StepKind {
        case item(contentColumn: Int)
        case heading(level: Int)
    }

    /// The step being read.
    struct Draft {
        var number: String
        var line: Int
        var kind: StepKind
        var checked: Bool?
        var section: RunbookSection?
        var prose: [String] = []
        var blocks: [RunbookBlock] = []
        var checks: [RunbookCheck] = []
        var inline: [RunbookCommand] = []
    }

    private struct OpenFence {
        var fence: MarkdownLine.Fence
        var line: Int
        /// The column of the list item's text it is in (0 outside any).
        var base: Int
        var lines: [String] = []
    }

    struct OpenComment {
        var line: Int
        var body: String
    }

    private init(source: String) {
        self.source = source
    }

    /// Reads `lines` (the text's lines, `String.textLines`) into a title, steps and warnings.
    static func read(_ lines: [String], source: String) throws(RunbookError)
        -> (title: String?, steps: [RunbookStep], warnings: [RunbookWarning]) {
        var reader = RunbookReader(source: source)
        for (offset, text) in lines.enumerated() {
            try reader.add(text, line: offset + 1)
        }
        try reader.endFence(at: lines.count + 1, why: "the end of the file")
        reader.endIndented()
        if let open = reader.comment { throw .unclosedComment(source, line: open.line) }
        reader.finishStep()
        guard !reader.steps.isEmpty else { throw .noSteps(source) }
        guard reader.steps.contains(where: { !$0.candidates.isEmpty }) else { throw .noCommands(source) }
        return (reader.title, reader.steps, reader.warnings)
    }

    private mutating func add(_ text: String, line: Int) throws(RunbookError) {
        let markdown = MarkdownLine(text)
        let blank = markdown.body.isBlankLine
        // The open block and comment grow in place (`fence!.lines`): a copy
        // taken out, grown and put back copies every line so far, and a
        // 100,000-line block took 78 s.
        // Only the opening and base are taken out: a copy of the whole open
        // block held across the append would copy its lines on every line.
        if let opening = fence?.fence, let base = fence?.base {
            if !blank, markdown.indent < base {
                try endFence(at: line, why: "the end of its list item")
            } else if markdown.closes(opening), markdown.indent - base <= 3 {
                let open = fence!
                fence = nil
                step?.blocks.append(RunbookBlock(info: opening.info, line: open.line, lines: open.lines))
                inParagraph = false
                return
            } else {
                fence!.lines.append(markdown.dedented(by: opening.indent))
                return
            }
        }
        if comment != nil {
            let characters = Array(text)
            guard let end = HTMLComments.find("-->", in: characters, from: 0) else {
                comment!.body += "\n" + text
                return
            }
            let open = comment!
            comment = nil
            try directive(open.body + "\n" + String(characters[..<end]), line: open.line)
            try addText(String(characters[(end + 3)...]), line: line, afterComment: true)
            return
        }
        if let base = indented?.base {
            if blank || markdown.indent - base >= 4 {
                indented!.lines.append(markdown.dedented(by: base + 4))
                return
            }
            endIndented()
        }
        if blank {
            inParagraph = false
            try addLine(text, markdown, line: line)
            return
        }
        let startsBlock = markdown.fenceOpening != nil || markdown.heading != nil || markdown.listItem != nil
        if !(inParagraph && !startsBlock) {
            while let last = containers.last, markdown.indent < last { containers.removeLast() }
        }
        let base = containers.last ?? 0
        if markdown.indent - base >= 4, !inParagraph, step != nil {
            indented = OpenFence(fence: MarkdownLine.Fence(character: " ", length: 0, indent: base + 4, info: ""), line: line - 1, base: base)
            indented!.lines.append(markdown.dedented(by: base + 4))
            step?.prose.append("")
        } else if var opening = markdown.fenceOpening, markdown.indent - base <= 3 {
            opening.indent = markdown.indent
            openFence(opening, base: base, line: line)
        } else {
            try addLine(text, markdown, line: line)
        }
    }

    /// A line that is not in a block: a heading, a step's start, a nested
    /// list's item, or text.
    private mutating func addLine(_ text: String, _ markdown: MarkdownLine, line: Int) throws(RunbookError) {
        if let heading = markdown.heading, !isInsideItem(markdown.indent) {
            try addHeading(heading, line: line)
            inParagraph = false
        } else if let item = markdown.orderedItem ?? markdown.bulletItem.flatMap({ MarkdownLine.checkbox($0.text) != nil ? $0 : nil }),
                  !isInsideItem(item.indent), !isInHeadingStep {
            finishStep()
            let box = MarkdownLine.checkbox(item.text)
            var number = String(item.number)
            if number.isEmpty {
                tasks += 1
                number = String(tasks)
            } else if number == "1", lastItemWritten == "1", let last = lastItemNumber {
                // `1.` on every item (GitLab's habit) renders 1, 2, 3.
                number = String(last + 1)
            }
            lastItemWritten = String(item.number)
            lastItemNumber = Int(number)
            step = Draft(number: number, line: line, kind: .item(contentColumn: item.contentColumn), checked: box?.checked,
                         section: sections.last)
            containers = [item.contentColumn]
            let itemText = box?.rest ?? item.text
            if var opening = MarkdownLine(String(itemText)).fenceOpening {
                opening.indent = item.contentColumn
                openFence(opening, base: item.contentColumn, line: line)
            } else {
                try addText(String(itemText), line: line)
                inParagraph = !itemText.isBlankLine
            }
        } else {
            let base = containers.last ?? 0
            if step != nil, let item = markdown.bulletItem(within: base) ?? (markdown.indent - base <= 3 ? nestedOrdered(markdown) : nil) {
                containers.append(item.contentColumn)
            }
            if case .item(let column) = step?.kind {
                // Text outside the item (not a lazy line) ends its list: a `1.` after it starts again.
                if markdown.indent < column, !inParagraph, !markdown.body.isBlankLine { lastItemWritten = nil }
                try addText(markdown.dedented(by: column), line: line)
            } else {
                try addText(text, line: line)
            }
            inParagraph = !markdown.body.isBlankLine
        }
    }

    /// An ordered item at any indentation (`MarkdownLine.orderedItem` takes
    /// at most 3 columns: a step's).
    private func nestedOrdered(_ markdown: MarkdownLine) -> MarkdownLine.ListItem? {
        guard markdown.indent > 3 else { return markdown.orderedItem }
        let shifted = MarkdownLine(String(markdown.body))
        guard var item = shifted.orderedItem else { return nil }
        item.contentColumn += markdown.indent
        return item
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
        let text = MarkdownLine.headingText(heading.text)
        if let (number, title) = MarkdownLine.stepNumber(inHeading: text) {
            finishStep()
            lastItemWritten = nil
            let box = MarkdownLine.checkbox(title)
            step = Draft(number: String(number), line: line, kind: .heading(level: heading.level), checked: box?.checked,
                         section: sections.last)
            containers = []
            try addText(String(box?.rest ?? title), line: line)
        } else if case .heading(let level) = step?.kind, heading.level > level {
            try addText(String(repeating: "#", count: heading.level) + " " + text, line: line)
        } else {
            finishStep()
            containers = []
            tasks = 0
            lastItemWritten = nil
            let shown = try addText(String(text), line: line)
            let title = String(shown.strippedOfBlanks)
            if heading.level == 1, self.title == nil { self.title = title }
            while let last = sections.last, last.level >= heading.level { sections.removeLast() }
            sections.append(RunbookSection(level: heading.level, title: title, line: line, parents: sections))
        }
    }

    private mutating func openFence(_ opening: MarkdownLine.Fence, base: Int, line: Int) {
        step?.prose.append("")  // The block parts paragraphs, whatever the blank lines around it.
        fence = OpenFence(fence: opening, line: line, base: base)
        inParagraph = false
    }

    /// Ends a fence never closed by a fence, at `line` (not part of it):
    /// an error for a block that may hold commands, else a warning.
    private mutating func endFence(at line: Int, why: String) throws(RunbookError) {
        guard var open = fence else { return }
        fence = nil
        while open.lines.last?.isBlankLine == true { open.lines.removeLast() }
        guard let language = RunbookBlock.language(of: open.fence.info) else { throw .unclosedFence(source, line: open.line) }
        let mark = String(repeating: open.fence.character, count: open.fence.length)
        warnings.append(RunbookWarning(line: open.line, message: "the \(mark)\(language) block opened here is never closed; "
            + "it runs to \(why) (line \(open.line + max(1, open.lines.count))), as GitLab and GitHub show it; close it with \(mark) after its last line"))
        step?.blocks.append(RunbookBlock(info: open.fence.info, line: open.line, lines: open.lines))
    }

    private mutating func endIndented() {
        guard var open = indented else { return }
        indented = nil
        while open.lines.last?.isBlankLine == true { open.lines.removeLast() }
        step?.blocks.append(RunbookBlock(info: "", line: open.line, lines: open.lines))
    }
}
