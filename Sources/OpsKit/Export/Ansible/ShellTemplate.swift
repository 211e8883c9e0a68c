/// A command for `ansible.builtin.shell` built from a recorded word: its
/// text as typed, with each session variable left for Ansible to fill in
/// from the play's `vars`, quoted for where it lands (what
/// `Word.shellText(in:)` does with the value itself).
///
/// Literal text is never template text, so a command holding `{{ … }}`
/// stays those characters.
struct ShellTemplate: Sendable, Equatable {
    /// The literal text and the variable references, in order.
    enum Part: Sendable, Equatable {
        case literal(String)
        /// A variable spliced in at a quoting context.
        case variable(String, QuoteContext)
    }

    private(set) var parts: [Part] = []

    init(parts: [Part] = []) { self.parts = parts }

    /// The word's shell text with its references kept as variables.
    init(_ word: Word) {
        var tracker = QuoteTracker()
        for piece in word.pieces {
            switch piece {
            case .literal(let text):
                append(.literal(text))
                tracker.consume(text)
            case .reference(let reference):
                switch reference.kind {
                case .variable(let name): append(.variable(name, tracker.context))
                case .pinnedDate: append(.variable("date", tracker.context))
                }
            }
        }
    }

    /// Words joined by spaces, as ssh joins `ssh HOST CMD…`'s words.
    init(joining words: [Word]) {
        for (index, word) in words.enumerated() {
            if index > 0 { append(.literal(" ")) }
            for part in ShellTemplate(word).parts { append(part) }
        }
    }

    private mutating func append(_ part: Part) {
        if case .literal(let text) = part, case .literal(let last)? = parts.last {
            parts[parts.count - 1] = .literal(last + text)
        } else {
            parts.append(part)
        }
    }

    /// The variables the command refers to.
    var variableNames: [String] {
        parts.compactMap { if case .variable(let name, _) = $0 { name } else { nil } }
    }

    /// The text when it refers to no variable.
    var plainText: String? {
        guard variableNames.isEmpty else { return nil }
        return parts.map { if case .literal(let text) = $0 { text } else { "" } }.joined()
    }

    /// The YAML value and the task vars it needs: literal text as itself
    /// (`!unsafe` when it could read as a template), else one Jinja
    /// expression joining the literal pieces, each a task var holding the
    /// text `!unsafe` (Jinja's string literals are not needed, so no
    /// escaping rule of theirs can be got wrong), and the quoted variables.
    var node: (value: YAMLNode, vars: [(key: String, value: YAMLNode)]) {
        if let plainText { return (.text(plainText), []) }
        var vars: [(key: String, value: YAMLNode)] = []
        let pieces = parts.map { part -> String in
            switch part {
            case .literal(let text):
                let name = "opsshell_text_\(vars.count)"
                vars.append((name, .text(text)))
                return name
            // `quote` is Python's shlex.quote: one word in any context once
            // the surrounding quote is closed and reopened around it.
            case .variable(let name, .unquoted): return "(\(name) | string | quote)"
            case .variable(let name, .single): return "\"'\" ~ (\(name) | string | quote) ~ \"'\""
            case .variable(let name, .double): return "'\"' ~ (\(name) | string | quote) ~ '\"'"
            }
        }
        return (.template("{{ " + pieces.joined(separator: " ~ ") + " }}"), vars)
    }
}
