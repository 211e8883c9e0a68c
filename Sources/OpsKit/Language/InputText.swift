/// The characters a line may hold: what a terminal shows is what runs.
///
/// `/bin/sh` receives a command cut at its first NUL, a CR or ESC sequence
/// can redraw what the terminal shows, and U+FFFD stands where the input was
/// not UTF-8 (every reader decodes leniently): confirmation, dry-run and the
/// audit would all show something other than what runs. Tab and the newline
/// of a continued line are the only control characters allowed.
public enum InputText {
    /// The 1-based column (in Unicode scalars, as errors count) and the
    /// scalar of the first character a line may not hold, if any.
    public static func firstInvisible(in line: String) -> (column: Int, scalar: Unicode.Scalar)? {
        var column = 0
        for scalar in line.unicodeScalars {
            column += 1
            if isInvisible(scalar) { return (column, scalar) }
        }
        return nil
    }

    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: false
        case 0x00...0x1F, 0x7F...0x9F: true  // C0, DEL and C1 (0x9B is a CSI on some terminals)
        case 0x200B...0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true  // zero-width and bidi overrides
        case 0xFFFD: true
        default: false
        }
    }

    /// `NUL (U+0000)`, `ESC (U+001B)`, `U+202E`: how a message names it.
    static func name(of scalar: Unicode.Scalar) -> String {
        let names: [UInt32: String] = [0x00: "NUL", 0x07: "BEL", 0x08: "backspace", 0x0D: "a carriage return", 0x1B: "ESC", 0x7F: "DEL"]
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        return names[scalar.value].map { "\($0) (\(code))" } ?? "the invisible character \(code)"
    }

    /// The line with every such character drawn as a visible symbol of one
    /// column (`␀`, `␛`, `·`), so a caret under it points at the right place.
    public static func visible(_ line: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            if scalar.value < 0x20, scalar != "\t", scalar != "\n", let picture = Unicode.Scalar(0x2400 + scalar.value) {
                result.append(picture)
            } else if isInvisible(scalar) {
                result.append(scalar.value == 0x7F ? "\u{2421}" : "\u{00B7}")
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}
