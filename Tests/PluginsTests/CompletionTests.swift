import OpsKit
import Plugins
import TestSupport
import Testing

@Suite("Tab completion")
struct CompletionTests {
    let completer = Completer(catalog: Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all))
    let session: Session = {
        var session = Session(variables: Variables(date: "2026-11-29"))
        try! session.variables.set("datadir", to: "/x")
        return session
    }()

    static let cases: [(String, [String])] = [
        ("patr", ["patronictl"]),
        ("gitlab-pa", ["gitlab-patronictl"]),
        ("dry", ["dry-run"]),
        ("patronictl li", ["list"]),
        ("gitlab-patronictl -c /etc/p.yml sw", ["switchover"]),
        ("patronictl list --f", ["--format"]),
        ("consul kv ", ["delete", "export", "get", "import", "put"]),
        ("consul kv get -rec", ["-recurse"]),
        ("sudo systemctl st", ["start", "status", "stop"]),
        ("sudo pat", ["patronictl"]),
        ("/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-", ["backup-fetch", "backup-list", "backup-push"]),
        ("wal-e delete ", ["before", "everything", "old-versions", "retain"]),
        ("knife ", ["node", "role", "search", "ssh", "status"]),
        ("echo $da", ["$datadir", "$date"]),
        ("echo 'cp x y.${da", ["cp x y.${datadir}", "cp x y.${date}"]),
        ("set da", ["datadir", "date"]),
        ("dry-run o", ["off", "on"]),
        ("help wal", ["wal-e", "wal-g"]),
    ]

    @Test("completes built-ins, tools, subcommands, flags and variables", arguments: cases)
    func completes(line: String, expected: [String]) {
        #expect(completer.complete(line, in: session).candidates == expected)
    }

    @Test("completes file paths, directories with a slash")
    func paths() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("pg_hba.conf", "")
        directory.write("pg_ident.conf", "")
        let completion = completer.complete("cat \(directory.path)/pg_", in: session)
        #expect(completion.candidates == ["\(directory.path)/pg_hba.conf", "\(directory.path)/pg_ident.conf"])
        #expect(completion.commonPrefix == "\(directory.path)/pg_")
        #expect(completer.complete("ls \(directory.path.dropLast(3))", in: session).candidates.contains(directory.path + "/"))
    }
}
