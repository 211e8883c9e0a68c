/// Finds HTML comments (`<!-- … -->`) in a line of Markdown text, the way a
/// renderer hides them: anywhere in the line, but not inside a backtick code
/// span.
enum HTMLComments {
    /// Splits a line into the text shown and the HTML comments in it; a
    /// comment still open at the end of the line comes back as `open`.
    /// Backtick code spans are kept whole: `<!--` in one is text.
    static func split(_ characters: [Character]) -> (shown: String, comments: [String], open: String?) {
        var shown = ""
        var comments: [String] = []
        var index = 0
        while index < characters.count {
            if characters[index] == "`" {
                var runEnd = index
                while runEnd < characters.count, characters[runEnd] == "`" { runEnd += 1 }
                let end = closingRun(of: runEnd - index, in: characters, from: runEnd) ?? runEnd
                shown += String(characters[index..<end])
                index = end
            } else if characters[index...].starts(with: "<!--") {
                guard let close = find("-->", in: characters, from: index + 4) else {
                    return (shown, comments, String(characters[(index + 4)...]))
                }
                comments.append(String(characters[(index + 4)..<close]))
                index = close + 3
            } else {
                shown.append(characters[index])
                index += 1
            }
        }
        return (shown, comments, nil)
    }

    /// The index just past the next run of exactly `length` backticks at or after `start`.
    private static func closingRun(of length: Int, in characters: [Character], from start: Int) -> Int? {
        var index = start
        while index < characters.count {
            guard characters[index] == "`" else {
                index += 1
                continue
            }
            var end = index
            while end < characters.count, characters[end] == "`" { end += 1 }
            if end - index == length { return end }
            index = end
        }
        return nil
    }

    /// The index where `needle` next starts in `characters`, at or after `start`.
    static func find(_ needle: String, in characters: [Character], from start: Int) -> Int? {
        let needle = Array(needle)
        var index = start
        while index + needle.count <= characters.count {
            if characters[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
