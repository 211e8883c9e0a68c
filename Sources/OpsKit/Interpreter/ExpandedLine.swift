/// A line as the shell reads it, once: its words, their values, its shell
/// text and the form files keep. Built by the interpreter and passed down to
/// whatever runs the line, so nothing parses or expands it again.
public struct ExpandedLine: Sendable {
    /// The line as typed (a continued line holds its newlines).
    public let text: String
    /// The words, `$NAME` still symbolic.
    public let words: Words
    /// Each word expanded with the session's variables.
    public let values: [String]
    /// The whole line for `sh -c`, each value spliced quoted for where it lands.
    public let shellText: String
    /// The line as recordings, history and the audit log hold it: as typed,
    /// but never a secret's value.
    public let recorded: String
    /// The variables it was expanded with (the session's, and this level's
    /// exports).
    let variables: Variables

    /// Parses and expands `text` with `variables`.
    /// - Throws: `LanguageError` for an unset variable, an open quote, an
    ///   invisible character; nothing may run then.
    public init(_ text: String, variables: Variables) throws(LanguageError) {
        if let (column, scalar) = InputText.firstInvisible(in: text) {
            throw LanguageError(.invisibleCharacter(scalar), column: column)
        }
        let words = try Words(parsing: text)
        try words.checkReferences(in: variables)
        self.text = text
        self.words = words
        self.variables = variables
        values = try words.words.map { word throws(LanguageError) in try word.value(in: variables) }
        shellText = try words.source.shellText(in: variables)
        recorded = Self.recordedForm(of: text, words)
    }

    /// The words after the command's name.
    public var arguments: [String] { Array(values.dropFirst()) }

    /// Whether the line has unquoted shell syntax (`|`, `;`, `&&`, `>`): it
    /// then runs in `sh` whole, whatever its first word.
    public var hasShellSyntax: Bool { words.hasShellSyntax }

    /// The words from `index` on as the remote shell's command line: each
    /// word's shell text (its own quoting kept, values spliced quoted),
    /// joined by spaces, which is ssh's rule for `ssh HOST CMD…`.
    public func shellText(ofWordsFrom index: Int) throws(LanguageError) -> String {
        try words.words.dropFirst(index).map { word throws(LanguageError) in try word.shellText(in: variables) }.joined(separator: " ")
    }

    /// The line as files hold it: as typed, except that a secret's value
    /// never reaches them: `set -s x V` (or `set CONSUL_HTTP_TOKEN V`)
    /// becomes `read -s x`, and a credential flag (`-token=V`) is hidden.
    public static func recordedForm(of line: String, _ words: Words) -> String {
        let texts = words.words.map(\.symbolicText)
        if texts.count >= 3, texts[0] == "set", texts[1] == "-s" { return "read -s \(texts[2])" }
        if texts.count >= 3, texts[0] == "set", Variables.holdsCredential(texts[1]) { return "read -s \(texts[1])" }
        guard texts.contains(where: CredentialFlag.isCredential) else { return line }
        return CredentialFlag.hidden(texts).joined(separator: " ")
    }
}
