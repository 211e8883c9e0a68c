/// What a terminal shows after it receives some bytes: the lines of text and
/// where the cursor is, so a test can check the columns a program meant,
/// not just the characters it sent.
///
/// Interprets what libedit sends to an `xterm`: printable characters,
/// CR, LF, BS, and the CSI sequences for cursor moves, erasing, inserting
/// and deleting; colour (SGR) and modes take no columns and are ignored.
/// Anything else is an error, so the test never silently misreads.
public struct TerminalScreen {
    public private(set) var lines: [[Character]] = [[]]
    public private(set) var row = 0
    /// The cursor's column, 0-based.
    public private(set) var column = 0

    public init(_ text: String) throws {
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\r": column = 0
            case "\n": row += 1; while lines.count <= row { lines.append([]) }
            case "\u{8}": column = max(0, column - 1)
            case "\u{7}": break
            case "\u{1B}": try escape(&scalars)
            default:
                guard scalar.value >= 0x20 else { throw TestFailure("unexpected control character \(scalar.value) on the screen") }
                put(Character(scalar))
            }
        }
    }

    /// The text of the cursor's line, trailing blanks removed.
    public var cursorLine: String {
        var text = String(lines[row])
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    private mutating func put(_ character: Character) {
        while lines[row].count < column { lines[row].append(" ") }
        if column < lines[row].count { lines[row][column] = character } else { lines[row].append(character) }
        column += 1
    }

    private mutating func escape(_ scalars: inout String.UnicodeScalarView.Iterator) throws {
        guard let introducer = scalars.next() else { return }
        // ESC = / ESC > (keypad modes) and ESC ( B (character set) move nothing.
        if introducer == "=" || introducer == ">" { return }
        if introducer == "(" { _ = scalars.next(); return }
        guard introducer == "[" else { throw TestFailure("unexpected escape ESC \(introducer)") }
        var parameters = ""
        var final: Unicode.Scalar = "m"
        while let next = scalars.next() {
            if ("@"..."~").contains(next) { final = next; break }
            parameters.unicodeScalars.append(next)
        }
        let numbers = parameters.split(separator: ";").map { Int($0.filter(\.isNumber)) ?? 0 }
        let count = max(1, numbers.first ?? 1)
        switch final {
        case "m", "h", "l": break
        case "C": column += count
        case "D": column = max(0, column - count)
        case "G": column = count - 1
        case "A": row = max(0, row - count)
        case "B": row += count; while lines.count <= row { lines.append([]) }
        case "K": if column < lines[row].count { lines[row].removeSubrange(column...) }
        case "J": lines.removeSubrange((row + 1)...); if column < lines[row].count { lines[row].removeSubrange(column...) }
        case "P": if column < lines[row].count { lines[row].removeSubrange(column..<min(lines[row].count, column + count)) }
        case "@": if column < lines[row].count { lines[row].insert(contentsOf: repeatElement(" ", count: count), at: column) }
        default: throw TestFailure("unexpected escape ESC [\(parameters)\(final)")
        }
    }
}
