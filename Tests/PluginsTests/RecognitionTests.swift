import OpsKit
import Plugins
import Testing

@Suite("Recognising tools' command lines")
struct RecognitionTests {
    let catalog = Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all)

    func recognise(_ line: String) throws -> (tool: String, risk: Risk)? {
        let words = try Words(parsing: line).words.map(\.symbolicText)
        guard let invocation = ToolInvocation.find(in: words, isTool: { catalog.plugin(forExecutable: $0) != nil }),
              let plugin = catalog.plugin(forExecutable: invocation.executable) else { return nil }
        return (plugin.name, plugin.risk(of: invocation))
    }

    static let lines: [(String, String, Risk)] = [
        ("gitlab-patronictl list", "patronictl", .readOnly),
        ("sudo -u gitlab-psql patronictl -c /etc/patroni.yml list -f json", "patronictl", .readOnly),
        ("patronictl -c /x.yml remove pg-ha-cluster", "patronictl", .destroysData),
        ("sudo gitlab-patronictl reinit pg-ha-cluster patroni-02", "patronictl", .destroysData),
        ("patronictl switchover --candidate b --force", "patronictl", .changesState),
        ("/usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-list", "wal-e", .readOnly),
        ("sudo -u gitlab-psql envdir /etc/wal-e.d/env wal-e backup-fetch /var/opt/gitlab/postgresql/data LATEST", "wal-e", .changesState),
        ("wal-e delete retain 5", "wal-e", .readOnly),
        ("wal-e delete --confirm retain 5", "wal-e", .destroysData),
        ("wal-g backup-list --detail", "wal-g", .readOnly),
        ("consul kv get -recurse service/pg-ha-cluster", "consul", .readOnly),
        ("consul kv delete -recurse service/pg-ha-cluster", "consul", .destroysData),
        ("consul kv put service/x 1", "consul", .changesState),
        ("etcdctl del --prefix /service/pg-ha-cluster/", "etcdctl", .destroysData),
        ("ETCDCTL_API=3 etcdctl --endpoints http://127.0.0.1:2379 get --prefix --keys-only /service/", "etcdctl", .readOnly),
        ("sudo systemctl stop patroni", "systemctl", .changesState),
        ("/bin/systemctl is-active patroni", "systemctl", .readOnly),
        ("env PATH=/x nice -n 5 systemctl status patroni", "systemctl", .readOnly),
        ("sudo -iu gitlab-psql /usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-list", "wal-e", .readOnly),
        ("PGUSER=x timeout 5 patronictl list", "patronictl", .readOnly),
        ("knife node list", "knife", .readOnly),
        ("knife ssh roles:dr-base-db-patroni 'sudo systemctl stop patroni'", "knife", .changesState),
    ]

    @Test("every command of a list or pipeline counts toward the risk", arguments: [
        ("patronictl list; rm -rf /x", Risk.destroysData), ("gitlab-patronictl list | grep Leader", .readOnly),
        ("consul kv get x && consul kv delete -recurse x", .destroysData), ("sudo systemctl stop patroni; ls", .changesState),
    ])
    func listsAndPipelines(line: String, risk: Risk) throws {
        #expect(catalog.risk(of: try Words(parsing: line).words.map(\.symbolicText)) == risk)
    }

    @Test("find reads, unless it deletes or runs a command on what it finds", arguments: [
        ("find /var/opt/gitlab -name '*.conf'", Risk.readOnly),
        ("sudo find /var/opt/gitlab/postgresql/data -mindepth 1 -delete", .destroysData),
        ("find /tmp -name x -exec rm -rf {} +", .destroysData),
        ("find /tmp -name x -exec chmod 600 {} ;", .changesState),
    ])
    func find(line: String, risk: Risk) throws {
        #expect(catalog.risk(of: try Words(parsing: line).words.map(\.symbolicText)) == risk)
    }

    @Test("finds the tool behind sudo, envdir, env, full paths and vendor names", arguments: lines)
    func recognises(line: String, tool: String, risk: Risk) throws {
        let found = try #require(try recognise(line))
        #expect(found.tool == tool)
        #expect(found.risk == risk)
    }

    @Test("leaves other commands to the shell", arguments: ["ls -l", "sudo cp a b", "tail -f /var/log/gitlab/patroni/patroni.log", "echo patronictl"])
    func leavesOthers(line: String) throws {
        #expect(try recognise(line) == nil)
    }

    @Test("every plugin has subcommands, flags and a summary")
    func pluginsAreComplete() {
        #expect(Set(BuiltinPlugins.all.map(\.name)).isSuperset(of: ["consul", "knife", "wal-e", "systemctl", "patronictl"]))
        for plugin in BuiltinPlugins.all {
            #expect(!plugin.grammar.subcommands.isEmpty, "\(plugin.name)")
            #expect(!plugin.summary.isEmpty)
            #expect(!(plugin.grammar.flags + plugin.grammar.subcommands.flatMap(\.flags)).isEmpty)
        }
    }
}

@Suite("Rating plain shell commands")
struct ShellRiskTests {
    @Test("flags what destroys data and little else", arguments: [
        ("sudo rm -rf /var/opt/gitlab/postgresql/data", Risk.destroysData),
        ("rm -r old", .destroysData), ("rm --recursive old", .destroysData), ("rm -fR x", .destroysData),
        ("mkfs.ext4 /dev/sdb", .destroysData), ("sudo -u postgres dropdb gitlab", .destroysData),
        ("crontab -r", .destroysData), ("echo ok && rm -rf /tmp/x", .destroysData),
        ("rm file", .changesState), ("sudo cp a b", .changesState), ("sudo mkdir /x", .changesState),
        ("tail -f /var/log/x", .readOnly), ("cat a | grep b", .readOnly), ("crontab -l", .readOnly),
    ])
    func classifies(line: String, risk: Risk) throws {
        let words = try Words(parsing: line).words.map(\.symbolicText)
        #expect(ShellRisk.classify(words) == risk)
    }
}
