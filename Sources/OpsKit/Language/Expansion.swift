extension Word {
    /// The word's value as one argument: references replaced by their values,
    /// verbatim. Used for built-ins and for a plugin's view of its arguments.
    /// - Throws: `LanguageError.unsetVariable` for the first unset reference.
    public func value(in variables: Variables) throws(LanguageError) -> String {
        var text = ""
        for piece in pieces {
            switch piece {
            case .literal(let literal): text += literal
            case .reference(let reference): text += try variables.resolve(reference)
            }
        }
        return text
    }

    /// The word read as shell text (a command for `sh -c`, local or remote):
    /// each value is spliced in quoted for the quoting context it lands in, so
    /// it stays one literal value and can never add shell syntax.
    ///
    /// `rm -rf $datadir/` with `datadir` = `/srv/a b` becomes
    /// `rm -rf '/srv/a b'/`; inside `'…'` the same value is spliced bare.
    public func shellText(in variables: Variables) throws(LanguageError) -> String {
        var text = ""
        var tracker = QuoteTracker()
        for piece in pieces {
            switch piece {
            case .literal(let literal):
                text += literal
                tracker.consume(literal)
            case .reference(let reference):
                let value = try variables.resolve(reference)
                text += ShellQuoting.splice(value, into: tracker.context)
            }
        }
        return text
    }

    /// The names of the session variables the word refers to.
    public var variableNames: [String] {
        pieces.compactMap {
            if case .reference(let reference) = $0, case .variable(let name) = reference.kind { name } else { nil }
        }
    }
}

extension Words {
    /// Whether the line uses `$(date +%F)`, which the shell replaces with the
    /// pinned stamp and says so.
    public var usesPinnedDate: Bool {
        source.pieces.contains {
            if case .reference(let reference) = $0 { reference.kind == .pinnedDate } else { false }
        }
    }

    /// Checks every reference of the line before anything runs, so an unset
    /// variable anywhere stops the whole command.
    public func checkReferences(in variables: Variables) throws(LanguageError) {
        for piece in source.pieces {
            if case .reference(let reference) = piece { _ = try variables.resolve(reference) }
        }
    }
}
