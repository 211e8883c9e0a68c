/// TOML that TOMLKit's bundled toml++ 3.x must never see: on these inputs
/// its parser asserts (debug builds abort; release builds assume the case
/// away, which is undefined behaviour) instead of reporting an error. Both
/// the inventory and plugin files are checked with it before TOMLKit runs.
///
/// Found by the plugin-file fuzz test and a fork-per-input harness over
/// toml++ itself (20,000 mutated files: two assertions, nothing else):
/// - `parse_key()`: a table header whose first key character is none of a
///   bare key's, a quote or `]` (`[}`, `[.]`, `[=`, `[` then a newline);
/// - `parse_value()`: `}` where an array expects a value (`[}`, `[1, }`).
/// Control characters and non-ASCII outside strings (toml++'s key parser
/// asserts on `[\u{7F}a]` and `[\u{FFFD}a]`; U+2028 in an array reaches
/// `parse_value()`) are refused too: TOML allows neither there.
struct TOMLHazard: Equatable {
    /// The 1-based line.
    var line: Int
    /// What is wrong, as the end of a sentence starting "not valid TOML: ".
    var problem: String

    /// The first hazard in `text`, scanning in one pass; nil when TOMLKit
    /// may parse it. Only text toml++ would reach before its own first error
    /// matters, so the scan follows valid TOML exactly and may, past an
    /// earlier error, refuse what toml++ would have refused anyway.
    static func first(in text: String) -> TOMLHazard? {
        var scan = Scan()
        return text.utf8.withContiguousStorageIfAvailable { scan.run($0) } ?? scan.run(Array(text.utf8)[...])
    }
}

/// The scanner's state: where it is in strings, comments, headers and
/// nested values.
private struct Scan {
    var line = 1
    /// `[` (array) and `{` (inline table) of values still open.
    var open: [UInt8] = []
    /// At depth 0, before the first character of a line: a `[` here starts
    /// a table header.
    var atStatement = true
    /// Just after an array's `[` or `,`: a value or `]` must come next.
    var expectsValue = false

    mutating func run<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> TOMLHazard? where Bytes.Index == Int {
        var index = bytes.startIndex
        // The string we are in: its quote byte, and 1 or 3 of them (0: none).
        var quote: UInt8 = 0
        var quotes = 0
        var comment = false
        /// Whether `count` quote bytes `byte` start at `index`.
        func starts(_ byte: UInt8, _ count: Int) -> Bool {
            bytes.endIndex - index >= count && (count == 1 || (bytes[index + 1] == byte && bytes[index + 2] == byte)) && bytes[index] == byte
        }
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                comment = false
                if quotes == 1 { quotes = 0 }  // toml++ reports the unclosed string
                if quotes == 0, open.isEmpty { atStatement = true }
                index += 1
                continue
            }
            if (byte < 0x20 && byte != 0x09 && byte != 0x0D) || byte == 0x7F {
                return TOMLHazard(line: line, problem: "a control character (U+\(hex(byte))) is not allowed; remove it")
            }
            if comment { index += 1; continue }
            if quotes > 0 {
                // An escape in a basic string skips the escaped byte, but not
                // a newline (a line-ending backslash in """…""").
                if quote == 0x22, byte == 0x5C { index += index + 1 < bytes.endIndex && bytes[index + 1] != 0x0A ? 2 : 1; continue }
                if byte == quote, starts(quote, quotes) { index += quotes; quotes = 0; continue }
                index += 1
                continue
            }
            if byte >= 0x80 {
                return TOMLHazard(line: line, problem: "a non-ASCII character outside quotes is not allowed here; quote the key or the value")
            }
            if byte == 0x20 || byte == 0x09 || byte == 0x0D { index += 1; continue }
            if byte == 0x23 { comment = true; index += 1; continue }
            if atStatement, byte == 0x5B {  // `[` starting a line: a table header
                atStatement = false
                index += 1
                if index < bytes.endIndex, bytes[index] == 0x5B { index += 1 }
                while index < bytes.endIndex, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
                // A control or non-ASCII character is left to the checks above.
                let next = index < bytes.endIndex ? bytes[index] : nil
                if let next, !Self.startsHeaderKey(next), next == 0x0A || next == 0x0D || (0x20..<0x7F).contains(next) {
                    return TOMLHazard(line: line, problem: "a table header starts with a key: [NAME] or [\"NAME\"]")
                }
                continue
            }
            atStatement = false
            if expectsValue, byte == 0x7D {
                return TOMLHazard(line: line, problem: "'}' where the array expects a value or ']'")
            }
            expectsValue = false
            switch byte {
            case 0x22, 0x27:
                quote = byte
                quotes = starts(byte, 3) ? 3 : 1
                index += quotes
                continue
            case 0x5B:
                open.append(byte)
                expectsValue = true
            case 0x7B:
                open.append(byte)
            case 0x5D, 0x7D:
                _ = open.popLast()
            case 0x2C:
                expectsValue = open.last == 0x5B
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// What toml++'s `parse_key()` may start at: a bare key character, a
    /// quote; or `]`, which it reports itself (a blank key).
    static func startsHeaderKey(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]"):
            true
        default:
            false
        }
    }

    func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
