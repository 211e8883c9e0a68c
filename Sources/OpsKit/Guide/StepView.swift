/// How a step looks on the terminal: a header, its prose wrapped to the
/// width with `code` highlighted, and its commands with where they run.
struct StepView {
    let step: RunbookStep
    let total: Int
    let width: Int
    let variables: Variables

    func header() -> [(text: String, style: Style)] {
        let title = "Step \(step.ordinal) of \(total) · \(step.number). \(step.title) "
        return [("\n" + title + String(repeating: "─", count: max(3, min(width, 100) - title.count)) + "\n", .bold)]
    }

    /// The prose, without its first line when that is only the title.
    func prose() -> [(text: String, style: Style)] {
        var lines = step.prose
        if let first = lines.first {
            var text = first.trimmingTrailingBlanks()
            if text.hasSuffix(".") || text.hasSuffix(":") { text.removeLast() }
            if text == step.title { lines.removeFirst() }
        }
        var parts: [(text: String, style: Style)] = []
        for paragraph in Self.paragraphs(Array(lines.drop(while: { $0.isEmpty }))) {
            if paragraph.isEmpty {
                parts.append(("\n", .plain))
                continue
            }
            for wrapped in Self.wrap(paragraph, width: max(20, min(width, 100) - 2)) {
                parts.append(("  ", .plain))
                parts += Self.highlighted(wrapped)
                parts.append(("\n", .plain))
            }
        }
        return parts
    }

    /// The prose's lines joined into paragraphs, so wrapping reflows them:
    /// a blank line ends one (and stays, as ""), and a list item (`- `, `* `,
    /// `1. `) starts one.
    static func paragraphs(_ lines: [String]) -> [String] {
        var paragraphs: [String] = []
        var current: String?
        for line in lines {
            let body = line.drop { $0 == " " }
            if body.isEmpty {
                if let text = current { paragraphs.append(text) }
                current = nil
                paragraphs.append("")
            } else if current == nil || body.hasPrefix("- ") || body.hasPrefix("* ") || body.first?.isNumber == true && body.contains(". ") {
                if let text = current { paragraphs.append(text) }
                current = line.trimmingTrailingBlanks()
            } else {
                current! += " " + String(body).trimmingTrailingBlanks()
            }
        }
        if let text = current { paragraphs.append(text) }
        return paragraphs
    }

    /// The commands, numbered, each with the target it runs on.
    func commands() -> [(text: String, style: Style)] {
        var parts: [(text: String, style: Style)] = []
        let targeted = step.targetedCommands(variables: variables)
        let width = targeted.map(\.target.description.count).max() ?? 0
        for (index, item) in targeted.enumerated() {
            parts.append(("  [\(index + 1)] ", .dim))
            parts.append((item.target.description.padded(to: width) + "  ", .notice))
            parts.append(("$ " + item.command.text + "\n", .bold))
        }
        for check in step.checks where check.kind != .when {
            parts.append(("  \(check.kind.rawValue): ", .dim))
            parts.append((check.command + "\n", .plain))
        }
        return parts
    }

    /// Breaks `line` at spaces so no piece is longer than `width`, keeping
    /// its indentation on every piece.
    static func wrap(_ line: String, width: Int) -> [String] {
        let indent = String(line.prefix { $0 == " " })
        var pieces: [String] = []
        var current = ""
        for word in line.dropFirst(indent.count).split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty, indent.count + current.count + 1 + word.count > width {
                pieces.append(indent + current)
                current = String(word)
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        pieces.append(indent + current)
        return pieces
    }

    /// `code` spans in bold, `**strong**` in the warning colour; the rest plain.
    static func highlighted(_ line: String) -> [(text: String, style: Style)] {
        var parts: [(text: String, style: Style)] = []
        var current = ""
        var style = Style.plain
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == "`" {
                parts.append((current, style))
                current = ""
                style = style == .bold ? .plain : .bold
            } else if character == "*", line[index...].hasPrefix("**"), style != .bold {
                parts.append((current, style))
                current = ""
                style = style == .warning ? .plain : .warning
                index = line.index(after: index)
            } else {
                current.append(character)
            }
            index = line.index(after: index)
        }
        parts.append((current, style))
        return parts.filter { !$0.text.isEmpty }
    }
}
