import OpsKit
import TestSupport
import Testing

@Suite("Expanding session variables")
struct ExpansionTests {
    var variables: Variables = {
        var variables = Variables(date: "2026-11-29")
        try! variables.set("datadir", to: "/var/opt/gitlab/postgresql/data")
        try! variables.set("role", to: "dr-base-db-patroni")
        return variables
    }()

    @Test("expands $NAME, ${NAME} and $(date +%F) in every quoting")
    func expandsEverywhere() throws {
        let words = try Words(parsing: #"x $role "${role}" '$datadir/pg_hba.conf.$(date +%F)'"#)
        let values = try words.words.map { try $0.value(in: variables) }
        #expect(values == ["x", "dr-base-db-patroni", "dr-base-db-patroni", "/var/opt/gitlab/postgresql/data/pg_hba.conf.2026-11-29"])
        #expect(words.usesPinnedDate)
    }

    @Test("leaves other $ forms for the remote shell")
    func leavesOtherDollars() throws {
        let words = try Words(parsing: #"sh -c 'echo $1 $? $(hostname) ${x:-y}' \$HOME"#)
        let values = try words.words.map { try $0.value(in: variables) }
        #expect(values == ["sh", "-c", "echo $1 $? $(hostname) ${x:-y}", "$HOME"])
    }

    @Test("an unset variable is an error naming it and its column, never an empty string")
    func unsetVariable() throws {
        let words = try Words(parsing: "rm -rf $datdir/")
        let error = try #require(throws: LanguageError.self) { try words.checkReferences(in: variables) }
        #expect(error == LanguageError(.unsetVariable("datdir"), column: 8))
        #expect(error.description.contains("$datdir"))
        #expect(error.description.contains("column 8"))
    }

    static let hostile = ["a b", "it's", #"say "hi""#, "$(id)", "`id`", "a;b", "x && rm -rf /", "back\\slash", "-oProxyCommand=x", "", "new\nline", "ünïcødé ☃"]

    @Test("a value spliced into shell text reaches sh as exactly itself", arguments: hostile)
    func splicedValuesAreLiteral(value: String) async throws {
        var variables = variables
        try variables.set("v", to: value)
        // The same value in each quoting context: sh must print it back unchanged each time.
        for line in [#"printf '%s\n' $v"#, #"printf '%s\n' "$v""#, #"printf '%s\n' '$v'"#, #"printf '%s\n' pre$v'post'"#] {
            let text = try Words(parsing: line).source.shellText(in: variables)
            let printed = try await runSh(text)
            let expected = line.contains("pre") ? "pre" + value + "post" : value
            #expect(printed == expected + "\n", "line \(line) became \(text)")
        }
    }

    @Test("a value inside a quoted remote command stays one literal value there", arguments: hostile)
    func splicedIntoInnerCommand(value: String) async throws {
        var variables = variables
        try variables.set("v", to: value)
        // knife ssh's CMD word is itself shell text: `'printf "%s\n" $v'`.
        let inner = try Words(parsing: #"knife ssh q 'printf "%s\n" $v'"#).words[3]
        let printed = try await runSh(try inner.shellText(in: variables))
        #expect(printed == value + "\n")
    }

    private func runSh(_ text: String) async throws -> String {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let script = directory.write("s.sh", text)
        let result = try await ShellBinary.runProcess("/bin/sh", [script])
        return result.output
    }
}

@Suite("Session variables")
struct VariablesTests {
    @Test("date is pinned at session start and looks like date +%F")
    func pinnedDate() {
        let today = Variables.today()
        #expect(Variables()["date"] == today)
        #expect(today.count == 10 && today.split(separator: "-").map(\.count) == [4, 2, 2])
    }

    @Test("names must be shell-like", arguments: [("datadir", true), ("_x1", true), ("1x", false), ("a-b", false), ("", false)])
    func validNames(name: String, valid: Bool) {
        #expect(Variables.isValidName(name) == valid)
    }

    @Test("built-in names are known even when unset")
    func builtInNames() {
        #expect(Variables().knownNames == ["cluster", "datadir", "date", "role"])
    }
}
