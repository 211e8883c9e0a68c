/// A coloured prompt in the form libedit's `EL_PROMPT_ESC` needs.
///
/// libedit 3.1 (Debian 12's 20221030, read in its `literal.c` and
/// `prompt.c`) does not print the text between two markers on its own: it
/// glues it to the one character after the closing marker and prints both
/// as that character's columns. So a marked run must be followed by a
/// visible character. When it is followed by another marker or an escape
/// (`ESC[0m` then `ESC[32m`), the literal is dropped and the character after
/// it is skipped; a run at the very end is lost too. That is how
/// `ESC[32mroot@[32;1m[0m…` came out, with the target and the date gone.
enum PromptEscapes {
    /// `styled` with each run of adjacent escape sequences wrapped in
    /// `marker`, every run directly before a visible character.
    ///
    /// Escapes after the last visible character are dropped: libedit would
    /// lose them anyway, so a prompt should end in uncoloured text.
    static func marked(_ styled: String, marker: Unicode.Scalar) -> String {
        var result = String.UnicodeScalarView()
        var pending = String.UnicodeScalarView()
        var scalars = styled.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                if !pending.isEmpty {
                    result.append(marker)
                    result.append(contentsOf: pending)
                    result.append(marker)
                    pending.removeAll()
                }
                result.append(scalar)
                continue
            }
            pending.append(scalar)
            // CSI: ESC [ parameters, ending with a byte in @…~ (`m` for SGR).
            guard let introducer = scalars.next() else { break }
            pending.append(introducer)
            guard introducer == "[" else { continue }
            while let next = scalars.next() {
                pending.append(next)
                if ("@"..."~").contains(next) { break }
            }
        }
        return String(result)
    }
}
