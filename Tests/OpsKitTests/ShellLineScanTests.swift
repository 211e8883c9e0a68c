@testable import OpsKit
import TestSupport
import Testing

/// The shell scan as it was before the byte path (issue 17), kept here as
/// the reference the new one must agree with where the old one was right:
/// quotes, trailing backslashes and here-documents.
private struct OldShellLineScan {
    var quote: Character?
    var endsInBackslash = false
    var hereDocuments: [String] = []

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
                    return
                } else if character == "<", characters.dropFirst(index).starts(with: "<<"), !characters.dropFirst(index).starts(with: "<<<") {
                    var next = index + 2
                    if next < characters.count, characters[next] == "-" { next += 1 }
                    while next < characters.count, characters[next] == " " || characters[next] == "\t" { next += 1 }
                    var delimiter = ""
                    while next < characters.count, !characters[next].isWhitespace, !";&|<>()".contains(characters[next]) {
                        if !"'\"\\".contains(characters[next]) { delimiter.append(characters[next]) }
                        next += 1
                    }
                    if !delimiter.isEmpty { hereDocuments.append(delimiter) }
                    index = next
                } else {
                    index += 1
                }
                atWordStart = character.isWhitespace || ";&|(".contains(character)
                continue
            }
            atWordStart = false
        }
    }
}

@Suite("The shell scan's byte path")
struct ShellLineScanTests {
    /// Pieces of shell lines; `full` adds what only the new scan follows.
    static let pieces = ["'", "\"", "\\", "#", "<<", "<<<", "<<-", "EOF", " ", "\t", ";", "&", "|", "a", "b9", "x=", "$", "-", ">"]
    static let nesting = ["$(", "(", ")", "{", "}", "if", "fi", "then", "for", "do", "done", "case", "esac", "while", "\u{B}", "\u{C}"]

    static func line(_ pieces: [String], _ random: inout SeededRandom) -> String {
        (0..<Int.random(in: 0...14, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
    }

    @Test("on fuzzed ASCII lines the byte scan and the Character scan agree on everything they report")
    func bytesMatchCharacters() {
        var random = SeededRandom(seed: 0x5CA7)
        for _ in 0..<20_000 {
            let lines = (0..<Int.random(in: 1...4, using: &random)).map { _ in Self.line(Self.pieces + Self.nesting, &random) }
            var bytes = ShellLineScan(), characters = ShellLineScan()
            for line in lines {
                bytes.readBytes(line[...])
                characters.readCharacters(line[...])
                #expect(bytes.continues == characters.continues, "\(lines)")
                #expect(bytes.quote == characters.quote, "\(lines)")
                #expect(bytes.endsInBackslash == characters.endsInBackslash, "\(lines)")
                #expect(bytes.hereDocuments == characters.hereDocuments, "\(lines)")
            }
        }
    }

    @Test("without parentheses, braces or keywords the new scan reads quotes, backslashes and here-documents as the old one did")
    func newMatchesOld() {
        var random = SeededRandom(seed: 0x01D5)
        for _ in 0..<20_000 {
            let lines = (0..<Int.random(in: 1...4, using: &random)).map { _ in Self.line(Self.pieces + ["é", "\u{301}", "☃"], &random) }
            var new = ShellLineScan(), old = OldShellLineScan()
            for line in lines {
                new.read(line[...])
                old.read(line[...])
                #expect(new.quote == old.quote, "\(lines)")
                #expect(new.endsInBackslash == old.endsInBackslash, "\(lines)")
                #expect(new.hereDocuments == old.hereDocuments, "\(lines)")
                #expect(new.continues == (old.quote != nil || old.endsInBackslash), "\(lines)")
            }
        }
    }

    @Test("text lines split on bytes as they did by Character, at every kind of line end")
    func textLines() {
        let pieces = ["a", "é", "\u{301}", "\n", "\r", "\r\n", "\u{B}", "\u{C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{2027}", " ", "☃", "\u{1F468}\u{200D}\u{1F469}"]
        var random = SeededRandom(seed: 0x11E5)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...20, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(text.textLines == text.textLinesByCharacter, "\(Array(text.unicodeScalars))")
        }
    }
}

/// The general, `Character` reading of the helpers that now read bytes.
private func stripped<Text: StringProtocol>(_ text: Text) -> String { String(text.strippedOfBlanks) }

@Suite("Byte readings of blanks agree with Character readings")
struct BlankBytesTests {
    @Test("strippedOfBlanks, isBlankLine and a line's indentation, on fuzzed lines with tabs, combining marks and odd spaces")
    func agree() {
        let pieces = [" ", "\t", "a", "#", "é", "\u{301}", "\u{A0}", "\u{2003}", "\u{B}", "\u{C}", "☃", "-"]
        var random = SeededRandom(seed: 0xB1A2)
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...10, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(String(text[...].strippedOfBlanks) == stripped(text), "\(Array(text.unicodeScalars))")
            #expect(text.isBlankLine == text.allSatisfy(\.isWhitespace), "\(Array(text.unicodeScalars))")
            let line = MarkdownLine(text)
            let general = MarkdownLine.leadingColumns(text[...], from: 0)
            // A space before a combining mark is one `Character` with it: there the byte count is the shell's reading.
            let markFollows = text.unicodeScalars.dropFirst(line.indent).first?.properties.generalCategory == .nonspacingMark
            if !markFollows {
                #expect(line.indent == general.columns && line.body == general.rest, "\(Array(text.unicodeScalars))")
            }
        }
    }
}
