/// How a line of a code block reads, by its shape alone: as a shell
/// command, as a tool's output, as another language. Judged on UTF-8
/// bytes: every mark these rules look for is ASCII.
enum ShellLineShape {
    /// Whether `body` (blanks trimmed) reads as a shell command: its first
    /// word is a command name (`ls`, `./run.sh`, `$HOME/x`, `PGHOST=/tmp`,
    /// `latest="$(`), or one of `[ [[ ( { !` alone; and it is not the shape
    /// of another language: `name = value` (HCL, TOML, INI), an upper-case
    /// SQL statement (`SELECT …`), a tab in the line (tool output).
    static func readsAsShell(_ body: Substring) -> Bool {
        var copy = body
        return copy.withUTF8 { readsAsShell($0) }
    }

    /// `readsAsShell` on the line's bytes, without copying them (a
    /// 100,000-line block asks it of every line).
    private static func readsAsShell(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.contains(0x09) else { return false }
        let word = bytes.prefix { !isBlank($0) }
        let rest = bytes.dropFirst(word.count).drop(while: isBlank)
        guard let first = word.first else { return false }
        // The rarer shapes are looked for only when the first byte allows them.
        if "[({!f".utf8.contains(first), specialWords.contains(where: { word.elementsEqual($0) }) { return true }
        // `restart() {`: a function's definition.
        if word.count > 2, word[word.count - 1] == UInt8(ascii: ")"), word[word.count - 2] == UInt8(ascii: "("),
           isCommandWord(word.dropLast(2)) { return true }
        guard isCommandWord(word) || isAssignment(word) else { return false }
        if rest.first == UInt8(ascii: "="), rest.dropFirst().first.map(isBlank) ?? true { return false }
        if (0x41...0x5A).contains(first), sqlWords.contains(String(decoding: word, as: UTF8.self)) { return false }
        return true
    }

    /// Whether a line that follows a command reads as its output: any line
    /// that does not read as a shell command.
    static func looksLikeOutput(_ body: Substring) -> Bool { !readsAsShell(body) }

    /// Whether the line starts with a tool an operator runs, or a wrapper
    /// around one (`sudo`, `su`, `ssh`, `envdir`, a `gitlab-…` alias, a
    /// path to one): such a line is never hidden as output or text.
    static func startsWithKnownTool(_ body: Substring) -> Bool {
        guard readsAsShell(body) else { return false }
        let word = body.utf8.prefix { !isBlank($0) }
        var name = String(decoding: word.split(separator: UInt8(ascii: "/")).last ?? word[...], as: UTF8.self)
        if name.hasPrefix("gitlab-") { name.removeFirst("gitlab-".count) }
        return knownTools.contains(name)
    }

    /// A plausible command name: starts with an ASCII letter, `_ . / ~ $` and
    /// holds only letters, digits and `_ - . / + ~ $ { } =`. Table borders
    /// (`+ | ─ ┌ ╭ ═`), numbers, `Key:` and quotes fail it.
    static func isCommandWord<Word: Collection<UInt8>>(_ word: Word) -> Bool {
        guard let first = word.first, isLetter(first) || "_./~$".utf8.contains(first) else { return false }
        return word.allSatisfy { isLetter($0) || isDigit($0) || "_-./+~${}=".utf8.contains($0) }
    }

    /// `NAME=…`, whatever follows the `=` (`latest="$(`, `x=$(date)`).
    static func isAssignment<Word: Collection<UInt8>>(_ word: Word) -> Bool {
        guard let equals = word.firstIndex(of: UInt8(ascii: "=")), equals != word.startIndex else { return false }
        let name = word[..<equals]
        guard let first = name.first, isLetter(first) || first == UInt8(ascii: "_") else { return false }
        return name.allSatisfy { isLetter($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    private static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    private static let specialWords: [[UInt8]] = ["[", "[[", "(", "{", "!", "function"].map { Array($0.utf8) }

    /// SQL statements as runbooks write them, in capitals.
    private static let sqlWords: Set<String> = [
        "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "WITH", "BEGIN", "COMMIT",
        "ROLLBACK", "VACUUM", "ANALYZE", "CHECKPOINT", "TRUNCATE", "EXPLAIN", "SHOW", "FROM", "WHERE", "AND", "OR",
    ]

    /// Tools and wrappers an operator's runbook runs.
    private static let knownTools: Set<String> = [
        "sudo", "su", "ssh", "scp", "rsync", "envdir", "systemctl", "service", "journalctl", "patronictl", "patroni",
        "psql", "pg_ctl", "pg_ctlcluster", "pg_lsclusters", "pg_basebackup", "pg_dump", "pg_restore", "pg_isready",
        "pg_controldata", "pg_rewind", "pg_upgrade", "pg_wal", "pgbackrest", "wal-e", "wal-g", "barman", "consul", "etcdctl",
        "knife", "chef-client", "ctl", "psql-ctl", "kubectl", "helm", "docker", "crontab", "cd", "ls", "cat", "cp", "mv",
        "rm", "mkdir", "chown", "chmod", "tail", "head", "grep", "less", "echo", "export", "curl", "df", "du", "ps", "kill",
        "pkill", "tee", "sed", "awk", "find", "tar", "ln", "touch", "watch", "pgbouncer", "haproxy", "repmgr", "opsshell",
    ]
}
