/// `NAME=VALUE` and `NAME=$(command)` lines (and `export NAME=…`'s
/// words): shell assignments that become session variables, the way a
/// pasted runbook expects `latest="$( … )"` then `… $latest` to work.
///
/// A value with nothing left for the shell (no `$`, no backquote once the
/// session's variables are spliced in) is taken as it is and nothing runs.
/// Otherwise the target's own `sh` evaluates it, so command substitution,
/// quotes and trailing-newline stripping are exactly a shell's; that is a
/// command like any other, planned, guarded and audited.
struct Assignment: Sendable {
    /// The names assigned, in order.
    let names: [String]
    /// The line as shell text, for the target's `sh`.
    let shellText: String
    /// The values when no shell is needed.
    let literalValues: [String]?
    /// The commands inside `$(…)` and backquotes, for risk and guards.
    let substitutions: [String]

    /// The assignments in `line` from word `index` on, when every word
    /// there is one (`A=1 B=2`, `x=$(a | b)`); nil for anything else
    /// (`PGUSER=x psql`, `x=1; echo`).
    init?(_ line: ExpandedLine, from index: Int) {
        guard let names = Self.assignedNames(line.text, skippingWords: index), !names.isEmpty else { return nil }
        self.names = names
        // The whole line, its quotes kept: `export A=…` assigns as `A=…` does.
        shellText = line.shellText
        let words = line.values.dropFirst(index)
        let plain = words.count == names.count && !words.contains { $0.contains("$") || $0.contains("`") }
        literalValues = plain ? words.map { String($0[$0.index(after: $0.firstIndex(of: "=")!)...]) } : nil
        substitutions = Self.substitutions(in: shellText)
    }

    /// The names a line assigns when, outside quotes and substitutions,
    /// it holds nothing but `NAME=…` words (after the first `skip` words);
    /// nil when anything else is there, shell syntax included.
    static func assignedNames(_ text: String, skippingWords skip: Int) -> [String]? {
        let scalars = Array(text.unicodeScalars)
        var names: [String] = [], word = String.UnicodeScalarView(), words = 0
        var quote: Unicode.Scalar?, depth = 0, backquote = false, index = 0
        func endWord() -> Bool {
            defer { word = String.UnicodeScalarView() }
            guard !word.isEmpty else { return true }
            words += 1
            guard words > skip else { return true }
            let text = String(word)
            guard let equals = text.firstIndex(of: "="), Variables.isValidName(String(text[..<equals])) else { return false }
            names.append(String(text[..<equals]))
            return true
        }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\\", quote != "'", index < scalars.count { word.append(scalar); word.append(scalars[index]); index += 1; continue }
            if let open = quote {
                if scalar == open { quote = nil }
                word.append(scalar)
                continue
            }
            if backquote { backquote = scalar != "`"; word.append(scalar); continue }
            if depth > 0 {
                if scalar == "(" { depth += 1 } else if scalar == ")" { depth -= 1 } else if scalar == "'" || scalar == "\"" { quote = scalar }
                word.append(scalar)
                continue
            }
            switch scalar {
            case "'", "\"": quote = scalar; word.append(scalar)
            case "`": backquote = true; word.append(scalar)
            case "$" where index < scalars.count && scalars[index] == "(":
                depth = 1; word.append(scalar); word.append("("); index += 1
            case " ", "\t", "\n": guard endWord() else { return nil }
            case "#" where word.isEmpty: index = scalars.count
            case "|", ";", "&", "<", ">", "(", ")": return nil
            default: word.append(scalar)
            }
        }
        guard quote == nil, depth == 0, !backquote, endWord() else { return nil }
        return words > skip ? names : nil
    }

    /// The text the target's `sh` runs: the assignments, then each value
    /// NUL-terminated (no value can hold a NUL).
    var evaluation: String {
        shellText + "; printf '%s\\0' " + names.map { "\"$\($0)\"" }.joined(separator: " ")
    }

    /// The values, evaluated on `target` when the shell is needed; nil when
    /// it did not run (dry-run) or failed, after saying so.
    func values(on target: Target, purpose: String, in context: Context) async throws -> [String]? {
        if let literalValues { return literalValues }
        guard !context.session.dryRun else {
            context.console.notice("dry-run: \(names.map { "$" + $0 }.joined(separator: ", ")) not evaluated on \(target.hostLabel); later lines see no value")
            return nil
        }
        let risk = substitutions.map { context.catalog.risk(of: Context.words(of: $0)) }.max() ?? .readOnly
        guard let output = try await context.captureStep(evaluation, on: target, purpose: purpose, risk: max(risk, .readOnly),
                                                         guardWords: substitutions.flatMap(Context.words(of:)), limit: 16 << 20) else { return nil }
        if !output.standardError.isEmpty { context.console.write(output.standardError, style: .plain, to: .error) }
        var values = output.standardOutput.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        if values.last == "" { values.removeLast() }
        guard output.status.isSuccess, values.count == names.count else {
            context.console.error("\(purpose): failed (\(output.status)); \(names.map { "$" + $0 }.joined(separator: ", ")) not set")
            return nil
        }
        return values
    }

    /// The commands in `$(…)` and `` `…` `` of shell text (outermost only).
    static func substitutions(in text: String) -> [String] {
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var quote: Unicode.Scalar?
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "'", quote == nil { quote = "'" } else if scalar == "'", quote == "'" { quote = nil }
            if quote == nil, scalar == "$", index + 1 < scalars.count, scalars[index + 1] == "(" {
                var depth = 1, end = index + 2
                while end < scalars.count, depth > 0 {
                    if scalars[end] == "(" { depth += 1 } else if scalars[end] == ")" { depth -= 1 }
                    end += 1
                }
                found.append(String(String.UnicodeScalarView(scalars[(index + 2)..<max(index + 2, end - 1)])))
                index = end
                continue
            }
            if quote == nil, scalar == "`", let close = scalars[(index + 1)...].firstIndex(of: "`") {
                found.append(String(String.UnicodeScalarView(scalars[(index + 1)..<close])))
                index = close + 1
                continue
            }
            index += 1
        }
        return found
    }
}
