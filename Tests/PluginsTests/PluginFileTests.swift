@testable import OpsKit
import Plugins
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Plugin files read, rated and their outputs read into records, against
/// real outputs of pgBackRest 2.45 and postgresql-common 248.
@Suite("Plugin files: reading, risk, records")
struct PluginFileTests {
    static let shipped = ShellBinary.packageRoot + "/plugins"

    static func catalog(_ extra: [FilePlugin] = []) -> Catalog {
        let load = PluginLoad.load(directories: [shipped], besides: BuiltinPlugins.all)
        return Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all + load.plugins + extra, pluginFiles: load)
    }

    static func tool(_ name: String) -> any Plugin { catalog().plugin(named: name)! }

    @Test("the shipped files load whole: pgbackrest and four postgresql-common tools, no problems")
    func shippedFilesLoad() {
        let load = PluginLoad.load(directories: [Self.shipped], besides: BuiltinPlugins.all)
        #expect(load.problems.map(\.description) == [])
        #expect(load.plugins.map(\.name).sorted() == ["pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "pg_lsclusters", "pgbackrest"])
        #expect(load.plugins.allSatisfy { $0.file?.hasSuffix(".toml") == true })
    }

    @Test("each line of the shipped tools gets the risk the issue asks for", arguments: [
        ("pgbackrest --stanza=main info --output=json", Risk.readOnly),
        ("sudo -u postgres pgbackrest --stanza=main stanza-delete", .destroysData),
        ("pgbackrest --stanza=main expire --set=20261202-012040F", .destroysData),
        ("pgbackrest --stanza=main restore --delta", .changesState),
        ("pgbackrest --stanza=main backup --type=full", .changesState),
        ("pgbackrest --stanza=main no-such-command", .changesState),
        ("pg_lsclusters", .readOnly),
        ("pg_ctlcluster 15 main stop", .changesState),
        ("pg_ctlcluster 15 main restart", .changesState),
        ("pg_ctlcluster 15 main status", .readOnly),
        ("pg_dropcluster --stop 15 old", .destroysData),
        ("knife ssh roles:db 'pg_dropcluster 15 main'", .destroysData),
    ])
    func risks(line: String, risk: Risk) throws {
        let words = try Words(parsing: line).words.map(\.symbolicText)
        #expect(Self.catalog().risk(of: words) == risk)
    }

    @Test("a plugin file cannot rate rm -r, dd or pg_dropcluster lower than the shell does")
    func riskFloor() throws {
        let lenient = try PluginFileReader.parse("""
            name = "lenient"
            summary = "claims dangerous tools and calls them harmless"
            executables = ["rm", "dd", "shred"]
            risk = "read-only"
            """, file: "lenient.toml")
        let catalog = Self.catalog(lenient)
        #expect(catalog.plugin(forExecutable: "rm")?.name == "lenient")
        #expect(catalog.risk(of: ["rm", "-r", "/var/lib/x"]) == .destroysData)
        #expect(catalog.risk(of: ["sudo", "dd", "if=/dev/zero", "of=/dev/sda"]) == .destroysData)
        #expect(catalog.risk(of: ["rm", "one-file"]) == .readOnly, "the file's own rating stands where the shell has none higher")
    }

    @Test("pgbackrest info --output=json reads into one record per backup, with its stanza; numbers typed")
    func pgbackrestInfo() throws {
        let plugin = Self.tool("pgbackrest")
        let invocation = ToolInvocation(wrappers: [], executable: "pgbackrest", arguments: ["--stanza=fx", "info", "--output=json"])
        #expect(plugin.readsOutput(of: invocation))
        #expect(!plugin.readsOutput(of: ToolInvocation(wrappers: [], executable: "pgbackrest", arguments: ["info"])), "text output is shown as printed")
        let table = try #require(plugin.table(for: invocation, output: CapturedOutput(status: .success, standardOutput: fixture("pgbackrest/info-output-json.json"))))
        #expect(table.columns == ["stanza", "status", "label", "type", "start", "stop", "size", "repo_size", "wal_start", "wal_stop"])
        #expect(table.rows == [["fx", "ok", "20261202-012040F", "full", "1796174440", "1796174449", "22956398", "3031884",
                                "000000010000000000000002", "000000010000000000000002"]])
        #expect(table.json().contains(#""start":1796174440"#) && table.json().contains(#""label":"20261202-012040F""#))
    }

    @Test("a stanza with no backups is still a record, and its status fails the check")
    func missingStanza() throws {
        // pgBackRest 2.45's own answer for a stanza that does not exist (exit 0).
        let text = #"[{"archive":[],"backup":[],"cipher":"none","db":[],"name":"nosuch","repo":[{"cipher":"none","key":1,"status":{"code":1,"message":"missing stanza path"}}],"status":{"code":1,"lock":{"backup":{"held":false}},"message":"missing stanza path"}}]"#
        let plugin = try #require(Self.tool("pgbackrest") as? FilePlugin)
        let invocation = ToolInvocation(wrappers: [], executable: "pgbackrest", arguments: ["--stanza=nosuch", "info", "--output=json"])
        let table = try #require(plugin.table(for: invocation, output: CapturedOutput(status: .success, standardOutput: text)))
        #expect(table.rows.map { Array($0.prefix(3)) } == [["nosuch", "missing stanza path", ""]])
        let check = try RecordCheck.parse("status == ok").get()
        #expect(check.failure(in: table) == "check `status == ok` failed: stanza nosuch has status = missing stanza path")
    }

    @Test("pg_lsclusters reads into clusters, the header's two-word names replaced by the file's")
    func lsclusters() throws {
        let plugin = Self.tool("pg_lsclusters")
        let invocation = ToolInvocation(wrappers: [], executable: "pg_lsclusters", arguments: [])
        let table = try #require(plugin.table(for: invocation, output: CapturedOutput(status: .success, standardOutput: fixture("postgresql-common/pg_lsclusters.txt"))))
        #expect(table.columns == ["version", "cluster", "port", "status", "owner", "data_directory", "log_file"])
        #expect(table.rows == [["15", "main", "5432", "down", "postgres", "/var/lib/postgresql/15/main", "/var/log/postgresql/postgresql-15-main.log"],
                               ["15", "pffix", "5491", "online", "postgres", "/tmp/pf-fix/data", "/var/log/postgresql/postgresql-15-pffix.log"]])
        #expect(table.json().hasPrefix(#"[{"version":15,"cluster":"main","port":5432,"status":"down""#))
    }

    @Test("format table reads patronictl's boxes; format regex reads named groups")
    func tableAndRegex() throws {
        let boxes = try PluginFileReader.parse("""
            name = "boxes"
            summary = "patronictl-like boxes"
            executables = ["boxes"]
            output = { format = "table", numbers = ["TL"] }
            """, file: "boxes.toml")[0]
        let table = try #require(boxes.table(for: ToolInvocation(wrappers: [], executable: "boxes", arguments: []),
                                             output: CapturedOutput(status: .success, standardOutput: fixture("patronictl/list-pretty-4.1.5.txt"))))
        #expect(table.columns.prefix(3) == ["Member", "Host", "Role"])
        #expect(table.rows.count == 3 && table.rows.contains { $0[2] == "Standby Leader" })
        let lines = try PluginFileReader.parse(#"""
            name = "backups"
            summary = "pgbackrest info's text, by pattern"
            executables = ["backups"]
            [output]
            format = "regex"
            pattern = '^\s+(?<type>full|diff|incr) backup: (?<label>\S+)'
            """#, file: "backups.toml")[0]
        let text = "stanza: fx\n    status: ok\n\n        full backup: 20261202-012040F\n        incr backup: 20261202-012040F_20261202-013000I\n"
        let found = try #require(lines.table(for: ToolInvocation(wrappers: [], executable: "backups", arguments: []), output: CapturedOutput(status: .success, standardOutput: text)))
        #expect(found.columns == ["type", "label"])
        #expect(found.rows == [["full", "20261202-012040F"], ["incr", "20261202-012040F_20261202-013000I"]])
    }

    @Test("errors name the file, the line and the field, and say what to write", arguments: [
        ("name = \"x\"\nsummary = \"y\"\nexecutables = [\"x\"]\n\n[subcommands.go]\nrisk = \"dangerous\"\n",
         "bad.toml (line 6, field `subcommands.go.risk`): 'dangerous' is not a risk: write read-only, changes-state or destroys-data"),
        ("name = \"x\"\nsummary = \"y\"\nexecutables = [\"x\"]\ncolour = \"red\"\n",
         "bad.toml (line 4, field `colour`): unknown field; the top level takes"),
        ("name = \"x\"\nsummary = \"y\"\nexecutables = [\"x\"]\n[output]\nformat = \"yaml\"\n",
         "bad.toml (line 5, field `output.format`): 'yaml' is not a format: write json, columns, table or regex"),
        ("name = \"x\"\nsummary = \"y\"\nexecutables = [\"x\"]\nchecks = [\"state == up\"]\n[output]\nformat = \"columns\"\ncolumns = [\"host\", \"status\"]\n",
         "bad.toml (line 4, field `checks`): check `state == up` names state, which is not a column of the output (host, status)"),
        ("name = \"x\"\nsummary = \"y\"\nexecutables = [\"/usr/bin/x\"]\n",
         "bad.toml (line 3, field `executables`): '/usr/bin/x' is not an executable name"),
        ("name = \"x\"\nsummary = \"y\"\nexecutables = [\"x\"]\n[flags.\"--f\"]\nvalue = \"yes\"\n",
         "bad.toml (line 5, field `flags.--f.value`): must be true or false"),
        ("name = \"x\"\nsummary = \"y\"\n[subcommands.go]\nrisk = \"read-only\"\n",
         "bad.toml (line 3, field `subcommands`): belongs to a tool, and the top level names none"),
        ("name = \"x\"\nsummary = [1, 2\n", "bad.toml (line 2"),
    ])
    func errorsSayWhere(text: String, message: String) {
        #expect(throws: PluginFileError.self) { try PluginFileReader.parse(text, file: "bad.toml") }
        do {
            _ = try PluginFileReader.parse(text, file: "bad.toml")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test("a file that takes a built-in's executable, or is broken, is refused; the others still load")
    func refusals() {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("a-broken.toml", "name = \"broken\"\nsummary = \n")
        directory.write("b-patroni.toml", "name = \"mine\"\nsummary = \"my patronictl\"\nexecutables = [\"gitlab-patronictl\"]\n")
        directory.write("c-good.toml", "name = \"good\"\nsummary = \"fine\"\nexecutables = [\"good-tool\"]\n")
        let load = PluginLoad.load(directories: [directory.path, directory.path + "/missing"], required: [directory.path + "/missing"], besides: BuiltinPlugins.all)
        #expect(load.plugins.map(\.name) == ["good"])
        #expect(load.problems.count == 3)
        #expect(load.problems[0].file.hasSuffix("a-broken.toml") && load.problems[0].line == 2)
        #expect(load.problems[1].description.contains("`gitlab-patronictl` is the built-in patronictl's"))
        #expect(load.problems[2].description.contains("--plugins: cannot read this directory"))
    }

    @Test("Tab offers pg_ctlcluster's actions after VERSION CLUSTER, and a flag's fixed values")
    func completion() {
        let completer = Completer(catalog: Self.catalog())
        let session = Session()
        #expect(completer.complete("pg_ctlcluster 15 main re", in: session).candidates == ["reload", "restart"])
        #expect(completer.complete("pg_ctlcluster 15 main stop --mode ", in: session).candidates == ["fast", "immediate", "smart"])
        #expect(completer.complete("pgbackrest --stanza=x restore --ty", in: session).candidates == ["--type"])
        #expect(completer.complete("pgbackrest --stanza=x st", in: session).candidates == ["stanza-create", "stanza-delete", "stanza-upgrade", "start", "stop"])
    }

    @Test("Tab's lookups run only what the shell rates read-only, and nothing remote in dry-run")
    func lookupRefusals() {
        let context = Context(session: Session(), console: TestConsole(), executor: ProcessExecutor(), catalog: Self.catalog())
        let lookups = context.completionLookups
        #expect(lookups.refusal(of: "pg_lsclusters --no-header", on: .local, dryRun: false) == nil)
        #expect(lookups.refusal(of: "pg_lsclusters --no-header", on: .local, dryRun: true) == nil)
        #expect(lookups.refusal(of: "pg_lsclusters --no-header", on: Target(host: "db-1"), dryRun: true) != nil)
        #expect(lookups.refusal(of: "pg_dropcluster 15 main", on: .local, dryRun: false)?.contains("destroys data") == true)
        #expect(lookups.refusal(of: "touch /tmp/x", on: .local, dryRun: false)?.contains("changes state") == true)
        #expect(lookups.lines(of: "touch /tmp/opsshell-must-not-exist", on: .local, dryRun: false) == [])
        #expect(access("/tmp/opsshell-must-not-exist", F_OK) != 0)
    }
}
