/// What a shell command line leaves open at its end, read the way `sh` reads
/// it: an open quote or a trailing backslash (the command goes on on the next
/// line) and the here-documents whose text follows it. Feed it the physical
/// lines of one command in order.
struct ShellLineScan {
    /// The quote (`'` or `"`) open at the end of the last line, if any.
    private(set) var quote: Character?
    /// Whether the last line ended in a backslash that escapes its line end.
    private(set) var endsInBackslash = false
    /// The delimiters of the here-documents (`<<EOF`, `<<-'EOF'`) seen, in order.
    private(set) var hereDocuments: [String] = []

    /// Whether the command goes on on the next line.
    var continues: Bool { quote != nil || endsInBackslash }

    mutating func read(_ line: Substring) {
        endsInBackslash = false
        let characters = Array(line)
        var index = 0
        var atWordStart = true
        while index < characters.count {
            let character = characters[index]
            switch quote {
            case "'":
                if character == "'" { quote = nil }
                index += 1
            case "\"":
                if character == "\\" {
                    if index + 1 == characters.count { endsInBackslash = true }
                    index += 2
                } else {
                    if character == "\"" { quote = nil }
                    index += 1
                }
            default:
                if character == "\\" {
                    if index + 1 == characters.count { endsInBackslash = true }
                    index += 2
                } else if character == "'" || character == "\"" {
                    quote = character
                    index += 1
                } else if character == "#", atWordStart {
                    return  // A comment: nothing after it counts.
                } else if character == "<", characters.dropFirst(index).starts(with: "<<"),
                          !characters.dropFirst(index).starts(with: "<<<") {
                    index = readHereDocument(characters, from: index + 2)
                } else {
                    index += 1
                }
                atWordStart = character.isWhitespace || ";&|(".contains(character)
                continue
            }
            atWordStart = false
        }
    }

    /// Reads the delimiter after `<<` (and an optional `-`); returns the index after it.
    private mutating func readHereDocument(_ characters: [Character], from start: Int) -> Int {
        var index = start
        if index < characters.count, characters[index] == "-" { index += 1 }
        while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
        var delimiter = ""
        while index < characters.count, !characters[index].isWhitespace, !";&|<>()".contains(characters[index]) {
            if !"'\"\\".contains(characters[index]) { delimiter.append(characters[index]) }
            index += 1
        }
        if !delimiter.isEmpty { hereDocuments.append(delimiter) }
        return index
    }
}
