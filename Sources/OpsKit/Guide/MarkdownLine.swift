/// One line of a Markdown file, and the few block shapes the runbook reader
/// looks for in it: code fences, ATX headings and ordered-list markers.
struct MarkdownLine {
    /// A code fence's opening line.
    struct Fence {
        /// `` ` `` or `~`.
        var character: Character
        var length: Int
        /// Columns of indentation, removed from the block's lines.
        var indent: Int
        var info: String
    }

    /// `#` to `######` and the heading's text.
    struct Heading {
        var level: Int
        var text: Substring
    }

    /// `N.` or `N)` at the start of a line.
    struct ListItem {
        var number: Substring
        var indent: Int
        /// The column the item's text starts at: its continuation lines are
        /// dedented by this much.
        var contentColumn: Int
        var text: Substring
    }

    let text: String
    /// Columns of leading whitespace; a tab advances to the next multiple of 4.
    let indent: Int
    /// The text after the leading whitespace.
    let body: Substring

    init(_ text: String) {
        self.text = text
        // Most lines start with spaces only: count their bytes without
        // making `Character`s; a tab takes the general path.
        let spaces = text.utf8.prefix { $0 == 0x20 }.count
        spacesOnly = text.utf8.dropFirst(spaces).first != 0x09
        if spacesOnly {
            indent = spaces
            body = text[text.utf8.index(text.startIndex, offsetBy: spaces)...]
        } else {
            (indent, body) = Self.leadingColumns(text[...], from: 0)
        }
    }

    /// Whether the leading whitespace is spaces only: then a column is a byte.
    private let spacesOnly: Bool

    static func leadingColumns(_ text: Substring, from start: Int) -> (columns: Int, rest: Substring) {
        var column = start
        var index = text.startIndex
        while index < text.endIndex, text[index] == " " || text[index] == "\t" {
            column = text[index] == " " ? column + 1 : column + 4 - column % 4
            index = text.index(after: index)
        }
        return (column - start, text[index...])
    }

    /// The line without up to `columns` columns of leading whitespace; a tab
    /// that straddles the cut leaves its other columns as spaces.
    func dedented(by columns: Int) -> String {
        if spacesOnly {
            // The common case: cut whole bytes.
            return String(text[text.utf8.index(text.startIndex, offsetBy: min(columns, indent))...])
        }
        var column = 0
        var index = text.startIndex
        while index < text.endIndex, column < columns, text[index] == " " || text[index] == "\t" {
            column = text[index] == " " ? column + 1 : column + 4 - column % 4
            index = text.index(after: index)
        }
        return String(repeating: " ", count: max(0, column - columns)) + text[index...]
    }

    /// The opening fence on this line: three or more backticks or tildes at
    /// any indentation; a backtick fence's info string has no backtick.
    var fenceOpening: Fence? {
        guard let first = body.first, first == "`" || first == "~" else { return nil }
        let length = body.prefix { $0 == first }.count
        guard length >= 3 else { return nil }
        let info = body.dropFirst(length).strippedOfBlanks
        if first == "`", info.contains("`") { return nil }
        return Fence(character: first, length: length, indent: indent, info: String(info))
    }

    /// Whether this line closes `fence`: the same character, at least as
    /// many, nothing after them.
    func closes(_ fence: Fence) -> Bool {
        let length = body.prefix { $0 == fence.character }.count
        return length >= fence.length && body.dropFirst(length).isBlankLine
    }

    /// The ATX heading on this line, indented at most 3 columns.
    var heading: Heading? {
        guard indent <= 3 else { return nil }
        let level = body.prefix { $0 == "#" }.count
        let rest = body.dropFirst(level)
        guard (1...6).contains(level), rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.strippedOfBlanks
        // An optional closing run of `#`, after a blank.
        let closing = text.reversed().prefix { $0 == "#" }.count
        let head = text.dropLast(closing)
        if closing > 0, head.isEmpty || head.last == " " || head.last == "\t" { text = head.strippedOfBlanks }
        return Heading(level: level, text: text)
    }

    /// The ordered-list item this line starts, indented at most 3 columns:
    /// 1 to 9 digits, `.` or `)`, then a blank or the end of the line.
    var orderedItem: ListItem? {
        guard indent <= 3 else { return nil }
        let number = body.prefix(while: \.isASCIIDigit)
        let rest = body.dropFirst(number.count)
        guard (1...9).contains(number.count), let mark = rest.first, mark == "." || mark == ")" else { return nil }
        let afterMark = rest.dropFirst()
        let markEnd = indent + number.count + 1
        if afterMark.isBlankLine {
            return ListItem(number: number, indent: indent, contentColumn: markEnd + 1, text: afterMark.prefix(0))
        }
        guard afterMark.first == " " || afterMark.first == "\t" else { return nil }
        let (gap, text) = Self.leadingColumns(afterMark, from: markEnd)
        // Five or more blanks: the text is indented code, one blank is the gap.
        return ListItem(number: number, indent: indent, contentColumn: markEnd + (gap <= 4 ? gap : 1), text: text)
    }

    /// The number a heading gives its step, and the rest of its text:
    /// `3. Restore`, `3) Restore`, `3: Restore`, `3 - Restore`, `Step 3: Restore`,
    /// `Step 3 - Restore`, `Step 3 Restore`, `Step 3`, `3`.
    static func stepNumber(inHeading heading: Substring) -> (number: Substring, title: Substring)? {
        var rest = heading
        var named = false
        if rest.prefix(4).lowercased() == "step", rest.dropFirst(4).first?.isWhitespace == true {
            rest = rest.dropFirst(4).drop(while: \.isWhitespace)
            named = true
        }
        let number = rest.prefix(while: \.isASCIIDigit)
        guard (1...9).contains(number.count) else { return nil }
        rest = rest.dropFirst(number.count)
        guard let next = rest.first else { return (number, rest) }
        if ".):".contains(next) {
            let title = rest.dropFirst()
            guard title.isEmpty || title.first?.isWhitespace == true else { return nil }
            return (number, title.strippedOfBlanks)
        }
        guard next.isWhitespace else { return nil }
        let words = rest.drop(while: \.isWhitespace)
        if let dash = words.first, "-–—:".contains(dash), words.dropFirst().isEmpty || words.dropFirst().first?.isWhitespace == true {
            return (number, words.dropFirst().strippedOfBlanks)
        }
        return named ? (number, words.strippedOfBlanks) : nil
    }
}

extension Character {
    /// `0` to `9` and nothing else (`isNumber` takes in `½` and `٣`).
    var isASCIIDigit: Bool { asciiValue.map { (48...57).contains($0) } ?? false }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var strippedOfBlanks: SubSequence {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }

    /// Whether the text is empty or only whitespace. ASCII answers from its
    /// bytes (the first printable byte says no); other text by `Character`.
    var isBlankLine: Bool {
        for byte in utf8 where byte != 0x20 && !(0x09...0x0D).contains(byte) {
            return byte < 0x80 ? false : allSatisfy(\.isWhitespace)
        }
        return true
    }
}

extension Substring {
    /// `StringProtocol.strippedOfBlanks` from the bytes, when the text
    /// starts with ASCII after its blanks (a blank before a combining mark is
    /// part of its `Character`, so that case takes the general path).
    var strippedOfBlanks: Substring {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return self[endIndex...] }
        guard bytes[first] < 0x80, let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else {
            return Substring(self[...]).generalStrippedOfBlanks
        }
        return self[first..<bytes.index(after: last)]
    }

    private var generalStrippedOfBlanks: Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}

extension String {
    /// `Substring.strippedOfBlanks`, from the bytes.
    var strippedOfBlanks: Substring { self[...].strippedOfBlanks }
}
