import Foundation
import OpsKit
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension LabTests {
    /// The built-in geo-rebuild, walked through a real pseudo-terminal with
    /// answers typed as an operator would, against the lab: killed (SIGKILL)
    /// while the replicas restore, resumed with --resume, and finished with a
    /// re-formed cluster holding production's rows.
    @Test("guide geo-rebuild end to end through a pty: SIGKILL in the restore, --resume, cluster re-formed")
    func guideGeoRebuild() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let recording = directory.path + "/geo-rebuild.ops"
        let node3 = "patroni-03-db-dr.c.gitlab-dr.internal"
        let environment = ["NO_COLOR": "1", "XDG_STATE_HOME": directory.path]
        let common = ["--inventory", labInventory!, "--record", recording]
        let first = try PseudoTerminal([ShellBinary.path, "guide"] + common + [
            "--set", "role=dr-base-db-patroni", "--set", "leader=\(node1)", "--set", "replicas=\(node2) \(node3)",
            "--set", "dcs=etcd", "--set", "cluster=pg-ha-cluster", "geo-rebuild",
        ], environment: environment)
        var mark = first.mark

        /// Waits for step `number`'s menu, then answers `r`.
        func run(_ terminal: PseudoTerminal, step number: Int, within seconds: Double = 120) throws {
            mark = try terminal.expect("Step \(number) of 12 ·", after: mark, within: seconds)
            mark = try terminal.expectInput("[q]uit? ", after: mark, within: 60)
            terminal.type("r\r")
        }
        /// Answers a confirmation with the word it asks for.
        func confirm(_ terminal: PseudoTerminal, _ prompt: String, word: String, within seconds: Double = 60) throws {
            mark = try terminal.expect(prompt, after: mark, within: seconds)
            terminal.type(word + "\r")
        }

        // 1: the newest backup is checked before anything is touched.
        try run(first, step: 1)
        mark = try first.expect("ok: the newest backup base_", after: mark, within: 60)
        // 2: stopping Patroni everywhere includes the leader: its name is asked for.
        try run(first, step: 2)
        let asked = try first.expect(" to go on: ", after: mark, within: 60)
        let question = String(first.transcript[mark..<asked])
        let leader = try #require(question.components(separatedBy: "Type ").last?.components(separatedBy: " to go on").first)
        #expect([node1, node2, node3].contains(leader), "\(question)")
        first.type(leader + "\r")
        mark = asked
        // 3 (Consul) does not apply with dcs=etcd; 4 wipes etcd, after the query is typed.
        mark = try first.expect("does not apply: dcs is 'etcd', not 'consul'", after: mark, within: 120)
        try run(first, step: 4)
        try confirm(first, "Type the query (roles:dr-base-db-patroni) to run it: ", word: "roles:dr-base-db-patroni")
        mark = try first.expect("Step 5 of 12 ·", after: mark, within: 60)
        // Production writes while the DR cluster is down: only the WAL archive brings this row.
        let written = try await ShellBinary.runProcess("/bin/bash", [ShellBinary.packageRoot + "/Tests/lab/check.sh", "write-production"])
        #expect(written.status == 0, "\(written.error)")
        mark = try first.expectInput("[q]uit? ", after: mark, within: 60)
        first.type("r\r")
        try run(first, step: 6)
        try confirm(first, "Type the query (roles:dr-base-db-patroni) to run it: ", word: "roles:dr-base-db-patroni")
        try run(first, step: 7)
        mark = try first.expect("cluster ready after", after: mark, within: 300)
        // 8: tail -f until Ctrl-C, which returns to the step; then skip on.
        try run(first, step: 8)
        mark = try first.expect("patroni", after: mark, within: 30)
        try await Task.sleep(for: .seconds(1))
        first.type("\u{3}")
        mark = try first.expect("^C interrupted", after: mark, within: 20)
        mark = try first.expectInput("[q]uit? ", after: mark, within: 20)
        first.type("s\r")
        // 9: the replicas restore; the shell is killed in the middle of it.
        try run(first, step: 9)
        try confirm(first, "Type the query (\(node2) \(node3)) to run it: ", word: "\(node2) \(node3)")
        // WAL-E itself (python) on a node, not the local ssh carrying its command line.
        func restores() -> [pid_t] {
            processes(containing: "wal-e backup-fetch").filter { readFile("/proc/\($0)/cmdline").contains("python") }
        }
        let deadline = Monotonic.now + 120
        while restores().isEmpty {
            guard Monotonic.now < deadline else { throw TestFailure("the restore never started:\n\(first.transcript[mark...])") }
            usleep(50_000)
        }
        kill(first.pid, SIGKILL)
        #expect(first.waitForExit(within: 10) == 128 + SIGKILL)
        // The remote restores stop with the connections (the watchdog).
        let gone = Monotonic.now + 20
        while !restores().isEmpty, Monotonic.now < gone { usleep(100_000) }
        #expect(restores().isEmpty, "a restore outlived the killed shell")
        let saved = try #require(GuideProgress(text: readFile(recording + ".guide")))
        #expect(saved.step == 9 && saved.done.isSuperset(of: [1, 2, 4, 5, 6, 7]) && !saved.finished)

        // --resume: the same walk, at step 9, with its variables.
        let second = try PseudoTerminal([ShellBinary.path, "guide", "--resume"] + common, environment: environment)
        mark = second.mark
        mark = try second.expect("resuming geo-rebuild at step 9", after: mark, within: 20)
        try run(second, step: 9)
        try confirm(second, "Type the query (\(node2) \(node3)) to run it: ", word: "\(node2) \(node3)")
        try run(second, step: 10, within: 600)
        try run(second, step: 11)
        mark = try second.expect("cluster ready after", after: mark, within: 400)
        try run(second, step: 12)
        // cycle-replicas stops at once when the lag is already low; if a
        // replica's lag is not known yet it starts a cycle, whose replica
        // stays stopped until the leader drops its slot: Ctrl-C ends it
        // (and starts that replica again).
        let end = Monotonic.now + 400
        var interrupted = false
        while true {
            _ = second.mark
            let seen = second.transcript[mark...]
            if seen.contains("The runbook is done") { break }
            if !interrupted, seen.contains("cycle 1: restarting Patroni on replica") {
                try await Task.sleep(for: .seconds(10))
                second.type("\u{3}")
                mark = try second.expectInput("[q]uit? ", after: mark, within: 30)
                second.type("s\r")
                interrupted = true
            }
            guard Monotonic.now < end else { throw TestFailure("the walk did not finish:\n\(seen.suffix(2000))") }
            usleep(200_000)
        }
        #expect(second.waitForExit(within: 30) == 0)
        let finished = try #require(GuideProgress(text: readFile(recording + ".guide")))
        #expect(finished.finished && finished.done.isSuperset(of: [1, 2, 4, 5, 6, 7, 9, 10, 11]))
        // The walk is recorded as a script that replays, both sessions in one file.
        let script = readFile(recording)
        #expect(script.contains("knife ssh roles:$role 'etcdctl del --prefix /service/$cluster/'"))
        #expect(script.components(separatedBy: "# opsshell ").count - 1 == 2, "two sessions in the recording")
        #expect(script.contains("# !! unfinished"), "the killed command is marked unfinished")

        let markers = try await ShellBinary.runProcess("/bin/bash", [ShellBinary.packageRoot + "/Tests/lab/check.sh", "markers", "180"])
        #expect(markers.status == 0, "production's rows are on every node: \(markers.output)\(markers.error)")
    }
}
