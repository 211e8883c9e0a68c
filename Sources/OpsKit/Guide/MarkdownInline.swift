/// The inline Markdown the runbook reader looks into: a bullet item's
/// marker, task-list checkboxes, HTML and anchors in headings, code spans.
extension MarkdownLine {
    /// The bullet-list item (`-`, `*`, `+`) this line starts, indented at
    /// most 3 columns, and the column its text starts at.
    var bulletItem: ListItem? { bulletItem(within: 0) }

    /// A bullet item inside a list item whose text starts at column `base`:
    /// indented at most 3 columns past it.
    func bulletItem(within base: Int) -> ListItem? {
        guard indent - base <= 3, indent >= base, let mark = body.first, "-*+".contains(mark) else { return nil }
        let afterMark = body.dropFirst()
        if afterMark.isBlankLine { return ListItem(number: "", indent: indent, contentColumn: indent + 2, text: afterMark.prefix(0)) }
        guard afterMark.first == " " || afterMark.first == "\t" else { return nil }
        // `- - -` and `***` are thematic breaks, not items.
        if body.filter({ $0 != " " && $0 != "\t" }).allSatisfy({ $0 == mark }), body.count(where: { $0 == mark }) >= 3 { return nil }
        let (gap, text) = Self.leadingColumns(afterMark, from: indent + 1)
        return ListItem(number: "", indent: indent, contentColumn: indent + 1 + (gap <= 4 ? gap : 1), text: text)
    }

    /// A list item of either kind.
    var listItem: ListItem? { orderedItem ?? bulletItem }

    /// A task-list checkbox at the start of an item's text (`[ ] `, `[x] `,
    /// `[X] `): whether it is ticked, and the text after it.
    static func checkbox(_ text: Substring) -> (checked: Bool, rest: Substring)? {
        guard text.count >= 3, text.first == "[" else { return nil }
        let mark = text[text.index(after: text.startIndex)]
        guard text.dropFirst(2).first == "]", mark == " " || mark == "x" || mark == "X" else { return nil }
        let rest = text.dropFirst(3)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        return (mark != " ", rest.strippedOfBlanks)
    }

    /// A heading's text as a reader sees it: inline HTML tags
    /// (`<a name='x'></a>`, as TOC generators write them) and a trailing
    /// attribute block (`{#anchor}`, `{: #id .class}`) taken out, blanks
    /// collapsed.
    static func headingText(_ text: Substring) -> Substring {
        var shown = ""
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "<", let close = text[index...].firstIndex(of: ">"), isTag(text[text.index(after: index)..<close]) {
                index = text.index(after: close)
            } else {
                shown.append(text[index])
                index = text.index(after: index)
            }
        }
        var result = Substring(shown.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " "))
        if result.last == "}", let open = result.lastIndex(of: "{"), result[result.index(after: open)...].first.map({ "#:.".contains($0) }) == true {
            result = result[..<open].strippedOfBlanks
        }
        return result
    }

    /// `a name='x'`, `/a`, `span id="y"`: what follows `<` in an HTML tag.
    private static func isTag(_ inside: Substring) -> Bool {
        let name = inside.drop { $0 == "/" }.prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard let first = name.first, first.isLetter else { return false }
        let rest = inside.drop { $0 == "/" }.dropFirst(name.count)
        return rest.isEmpty || rest.first == " " || rest.first == "/"
    }

    /// The code spans of a line of text (`` `sudo systemctl start patroni` ``),
    /// their content with one blank trimmed from each end, as CommonMark does.
    static func codeSpans(_ text: Substring) -> [Substring] {
        var spans: [Substring] = []
        var index = text.startIndex
        while let open = text[index...].firstIndex(of: "`") {
            let run = text[open...].prefix { $0 == "`" }
            var search = run.endIndex
            var found: Range<Substring.Index>?
            while let next = text[search...].firstIndex(of: "`") {
                let closing = text[next...].prefix { $0 == "`" }
                if closing.count == run.count { found = next..<closing.endIndex; break }
                search = closing.endIndex
            }
            guard let found else { index = run.endIndex; continue }
            spans.append(text[run.endIndex..<found.lowerBound].strippedOfBlanks)
            index = found.upperBound
        }
        return spans
    }
}
