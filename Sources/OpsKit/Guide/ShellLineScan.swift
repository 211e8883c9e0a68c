/// What a shell command line leaves open at its end, read the way `sh` reads
/// it: an open quote, a trailing backslash, an open `$( … )` or `( … )`, an
/// open `if`/`for`/`while`/`until`/`case`/`select` or `{` (the command goes on
/// on the next line), and the here-documents whose text follows it. Feed it
/// the physical lines of one command in order.
struct ShellLineScan {
    /// What is open, innermost last.
    private enum Context: Equatable { case single, double, substitution, subshell }

    private var contexts: [Context] = []
    /// Open compound commands: `if`…`fi`, `for`…`done`, `case`…`esac`, `{`…`}`.
    private var compounds = 0
    /// Whether the last line ended in a backslash that escapes its line end.
    private(set) var endsInBackslash = false
    /// The delimiters of the here-documents (`<<EOF`, `<<-'EOF'`) seen, in order.
    private(set) var hereDocuments: [String] = []

    /// The quote (`'` or `"`) open at the end of the last line, if it is the
    /// innermost thing open.
    var quote: Character? {
        switch contexts.last {
        case .single: "'"
        case .double: "\""
        default: nil
        }
    }

    /// Whether the command goes on on the next line.
    var continues: Bool { endsInBackslash || !contexts.isEmpty || compounds > 0 }

    /// Reads one line. Every character the scan acts on is ASCII, so an
    /// ASCII line is read byte by byte (a 100,000-line block spent most of
    /// its time making `Character`s); any other line by `Character`, as a
    /// `String` sees it.
    mutating func read(_ line: Substring) {
        var copy = line
        let done = copy.withUTF8 { bytes -> Bool in
            guard bytes.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else { return false }
            scan(bytes)
            return true
        }
        if !done { readCharacters(line) }
    }

    /// The fast path, for a line of ASCII without a carriage return (`\r\n` is one `Character`).
    mutating func readBytes(_ line: Substring) {
        var copy = line
        copy.withUTF8 { scan($0) }
    }

    /// The general path, by `Character`: what `readBytes` must agree with on
    /// the lines it takes.
    mutating func readCharacters(_ line: Substring) {
        scan(Array(line))
    }

    private mutating func scan<Units: RandomAccessCollection>(_ units: Units) where Units.Element: ShellUnit, Units.Index == Int {
        endsInBackslash = false
        let end = units.endIndex
        var index = units.startIndex
        var atWordStart = true
        var atCommandStart = true
        func ascii(_ at: Int) -> UInt8? { at < end ? units[at].ascii : nil }
        while index < end {
            let byte = units[index].ascii
            let blank = units[index].isBlank
            switch contexts.last {
            case .single:
                if byte == UInt8(ascii: "'") { contexts.removeLast() }
                index += 1
                atWordStart = false  // `'a'#` is no comment
                atCommandStart = false
                continue
            case .double:
                if byte == UInt8(ascii: "\\") {
                    if index + 1 == end { endsInBackslash = true }
                    index += 2
                    atWordStart = false
                    atCommandStart = false
                } else if byte == UInt8(ascii: "$"), ascii(index + 1) == UInt8(ascii: "(") {
                    contexts.append(.substitution)
                    index += 2
                    atWordStart = true
                    atCommandStart = true
                } else {
                    if byte == UInt8(ascii: "\"") { contexts.removeLast() }
                    index += 1
                    atWordStart = false
                    atCommandStart = false
                }
                continue
            default:
                break
            }
            var startsWord = blank
            var startsCommand = atCommandStart && blank
            switch byte {
            case UInt8(ascii: "\\"):
                if index + 1 == end { endsInBackslash = true }
                index += 2
            case UInt8(ascii: "'"):
                contexts.append(.single)
                index += 1
            case UInt8(ascii: "\""):
                contexts.append(.double)
                index += 1
            case UInt8(ascii: "#") where atWordStart:
                return  // A comment: nothing after it counts.
            case UInt8(ascii: "$") where ascii(index + 1) == UInt8(ascii: "("):
                contexts.append(.substitution)
                index += 2
                startsWord = true
                startsCommand = true
            case UInt8(ascii: "("):
                contexts.append(.subshell)
                index += 1
                startsWord = true
                startsCommand = true
            case UInt8(ascii: ")"):
                if contexts.last == .substitution || contexts.last == .subshell { contexts.removeLast() }
                index += 1
                startsWord = true
                startsCommand = true  // `f() {`: a function's body
            case UInt8(ascii: "<") where ascii(index + 1) == UInt8(ascii: "<") && ascii(index + 2) != UInt8(ascii: "<"):
                index = readHereDocument(units, from: index + 2)
            case UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"):
                index += 1
                startsWord = true
                startsCommand = true
            default:
                if atCommandStart, !blank, let word = reservedWord(units, at: index) {
                    index += word.length
                    compounds = max(0, compounds + word.change)
                    startsWord = true
                    startsCommand = true
                } else {
                    index += 1
                }
            }
            atWordStart = startsWord
            atCommandStart = startsCommand
        }
    }

    /// A word that opens or closes a compound command, at a command start:
    /// its length and +1 (`if`, `for`, `while`, `until`, `case`, `select`,
    /// `{`), -1 (`fi`, `done`, `esac`, `}`) or 0 (`then`, `do`, `else`,
    /// `elif`: a command starts after them). Nil for any other word.
    private func reservedWord<Units: RandomAccessCollection>(_ units: Units, at start: Int) -> (length: Int, change: Int)?
    where Units.Element: ShellUnit, Units.Index == Int {
        var end = start
        while end < units.endIndex, end - start < 7, let byte = units[end].ascii, Self.isWordByte(byte) { end += 1 }
        guard (1...6).contains(end - start) else { return nil }
        if end < units.endIndex, !units[end].isBlank, !";&|)".utf8.contains(units[end].ascii ?? 0) { return nil }
        // Compared byte by byte: a `String` made of every line's first word cost a 100,000-line block 6%.
        for (word, change) in Self.reserved where word.count == end - start {
            if word.indices.allSatisfy({ units[start + $0].ascii == word[$0] }) { return (word.count, change) }
        }
        return nil
    }

    private static let reserved: [([UInt8], Int)] = [
        ("if", 1), ("for", 1), ("while", 1), ("until", 1), ("case", 1), ("select", 1), ("{", 1),
        ("fi", -1), ("done", -1), ("esac", -1), ("}", -1), ("then", 0), ("do", 0), ("else", 0), ("elif", 0),
    ].map { (Array($0.0.utf8), $0.1) }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
    }

    /// Reads the delimiter after `<<` (and an optional `-`); returns the index after it.
    private mutating func readHereDocument<Units: RandomAccessCollection>(_ units: Units, from start: Int) -> Int
    where Units.Element: ShellUnit, Units.Index == Int {
        var index = start
        if index < units.endIndex, units[index].ascii == UInt8(ascii: "-") { index += 1 }
        while index < units.endIndex, units[index].ascii == 0x20 || units[index].ascii == 0x09 { index += 1 }
        var delimiter = ""
        while index < units.endIndex, !units[index].isBlank, !";&|<>()".utf8.contains(units[index].ascii ?? 0) {
            if !"'\"\\".utf8.contains(units[index].ascii ?? 0) { units[index].append(to: &delimiter) }
            index += 1
        }
        if !delimiter.isEmpty { hereDocuments.append(delimiter) }
        return index
    }
}

/// One unit of a line as the scan reads it: a UTF-8 byte or a `Character`.
private protocol ShellUnit {
    /// The unit's ASCII value, nil for anything else.
    var ascii: UInt8? { get }
    /// Whether the shell would part words here (`Character.isWhitespace`).
    var isBlank: Bool { get }
    func append(to text: inout String)
}

extension UInt8: ShellUnit {
    fileprivate var ascii: UInt8? { self }
    fileprivate var isBlank: Bool { (0x09...0x0D).contains(self) || self == 0x20 }
    fileprivate func append(to text: inout String) { text.unicodeScalars.append(Unicode.Scalar(self)) }
}

extension Character: ShellUnit {
    /// Nil for `\r\n` too: `asciiValue` calls it a line feed.
    fileprivate var ascii: UInt8? { unicodeScalars.count == 1 ? asciiValue : nil }
    fileprivate var isBlank: Bool { isWhitespace }
    fileprivate func append(to text: inout String) { text.append(self) }
}
