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
    /// re-formed cluster holding production's rows. The restore is a job on
    /// the replicas: it outlives the kill, and the resumed walk re-attaches
    /// to it rather than starting a second one.
    /// The throttle's rate (pv -L) for the guided restore: the lab's 59.5 MB backup in about 40 s.
    static let fetchRate = "1536k"

    /// WAL-E's backup-fetch (python, not the sh or ssh carrying its line) in node `n`'s namespace. Not
    /// its children: WAL-E forks one per partition for lzop, and a child caught between fork and exec
    /// still has its parent's command line.
    func restores(onNode n: Int) -> [pid_t] {
        let run = URL(fileURLWithPath: labInventory!).deletingLastPathComponent().path
        let sshd = readFile("\(run)/node\(n)/sshd.pid").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(sshd)/ns/mnt") else { return [] }
        let fetches = Set(processes(containing: "wal-e backup-fetch").filter {
            readFile("/proc/\($0)/cmdline").contains("python")
                && (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\($0)/ns/mnt")) == namespace
        })
        return fetches.filter { !fetches.contains(Self.parent(of: $0)) }.sorted()
    }

    /// The parent's PID, from /proc/PID/stat (the field after the command's closing parenthesis).
    static func parent(of pid: pid_t) -> pid_t {
        let stat = readFile("/proc/\(pid)/stat")
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) ?? 0 : 0
    }

    @Test("guide geo-rebuild end to end through a pty: SIGKILL mid-restore, --resume re-attaches to the restore job, cluster re-formed")
    func guideGeoRebuild() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let recording = directory.path + "/geo-rebuild.ops"
        let node3 = "patroni-03-db-dr.c.gitlab-dr.internal"
        let environment = ["NO_COLOR": "1", "XDG_STATE_HOME": directory.path]
        // The first shell's ssh masters live here, so the test can kill them with it.
        let control = directory.path + "/control"
        mkdir(control, 0o700)
        let common = ["--inventory", labInventory!, "--record", recording]
        let first = try PseudoTerminal([ShellBinary.path, "guide"] + common + [
            "--set", "role=dr-base-db-patroni", "--set", "leader=\(node1)", "--set", "replicas=\(node2) \(node3)",
            "--set", "dcs=etcd", "--set", "cluster=pg-ha-cluster", "geo-rebuild",
        ], environment: environment.merging(["TMPDIR": control]) { $1 })
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
        // 9: the replicas restore as one detached job, slowly (the lab's fetch throttle stands in for a
        // slow bucket); the shell and its ssh masters are killed in the middle of it.
        let throttle = URL(fileURLWithPath: labInventory!).deletingLastPathComponent().path + "/fetch.throttle"
        #expect(FileManager.default.createFile(atPath: throttle, contents: Data("\(Self.fetchRate)\n".utf8)))
        defer { unlink(throttle) }
        try run(first, step: 9)
        try confirm(first, "Type the query (\(node2) \(node3)) to run it: ", word: "\(node2) \(node3)")
        let launched = try first.expect("\(node3): started, detached; expected size ", after: mark, within: 120)
        let id = try #require(String(first.transcript[mark..<launched]).firstMatch(of: /job %([0-9a-f]{6})/).map { String($0.1) })
        mark = launched
        let restoring = Monotonic.now
        var seen: [Int: Set<pid_t>] = [2: [], 3: []]
        func sample() { for n in [2, 3] { seen[n]!.formUnion(restores(onNode: n)) } }
        let deadline = Monotonic.now + 60
        while seen.values.contains(where: \.isEmpty) {
            guard Monotonic.now < deadline else { throw TestFailure("the restores never started:\n\(first.transcript[mark...])") }
            usleep(100_000)
            sample()
        }
        // attach %% shows each replica's progress against the backup's size, with an ETA.
        let progress = try first.expect("%\(id) on \(node2): ", after: mark, within: 40)
        let progressLine = first.transcript[progress...].prefix { $0 != "\n" }
        #expect(progressLine.contains(" of 59.") && progressLine.contains("ETA "), "\(progressLine)")
        let eta = progressLine.firstMatch(of: /ETA (\d\d):(\d\d):(\d\d)/).map { Double(Int($0.1)! * 3600 + Int($0.2)! * 60 + Int($0.3)!) }
        let etaSeen = Monotonic.now
        kill(first.pid, SIGKILL)
        #expect(first.waitForExit(within: 10) == 128 + SIGKILL)
        for pid in processes(containing: "ControlMaster") where readFile("/proc/\(pid)/cmdline").contains(control) { kill(pid, SIGKILL) }
        try await Task.sleep(for: .seconds(3))
        sample()
        // The restores outlive the shell and its connections: the same process on each node, still there.
        for n in [2, 3] {
            #expect(seen[n]!.count == 1 && restores(onNode: n) == Array(seen[n]!), "node \(n): \(seen[n]!) seen, \(restores(onNode: n)) running after the kill")
        }
        let saved = try #require(GuideProgress(text: readFile(recording + ".guide")))
        #expect(saved.step == 9 && saved.done.isSuperset(of: [1, 2, 4, 5, 6, 7]) && !saved.finished)
        #expect(saved.jobs[GuideProgress.StepLine(step: 9, line: 1)] == id, "the walk kept the job it started: \(saved.jobs)")

        // --resume: the same walk, at step 9; it finds the job still running and re-attaches, asking nothing.
        let second = try PseudoTerminal([ShellBinary.path, "guide", "--resume"] + common, environment: environment)
        mark = second.mark
        mark = try second.expect("resuming geo-rebuild at step 9", after: mark, within: 20)
        mark = try second.expect("line 1 started job %\(id) before this walk was interrupted", after: mark, within: 60)
        mark = try second.expectInput("[q]uit? ", after: mark, within: 60)
        second.type("r\r")
        mark = try second.expect("job %\(id) is still running on \(node2), \(node3)", after: mark, within: 60)
        // Until the restore ends (its check passes and step 10 shows), no second restore on either node.
        let end9 = Monotonic.now + 300
        while !second.transcript[mark...].contains("Step 10 of 12 ·") {
            guard Monotonic.now < end9 else { throw TestFailure("the restore did not finish:\n\(second.transcript[mark...].suffix(2000))") }
            sample()
            usleep(200_000)
            _ = second.mark
        }
        let restored = Monotonic.now
        for n in [2, 3] { #expect(seen[n]!.count == 1, "node \(n) ran \(seen[n]!.count) backup-fetch processes: \(seen[n]!)") }
        #expect(!second.transcript[mark...].contains("Type the query"), "re-attaching asked to run the restore again")
        unlink(throttle)
        if let eta {
            print("guide restore figures: restore \(Int(restored - restoring)) s with the shell killed at \(Int(etaSeen - restoring)) s; ETA \(Int(eta)) s given there, \(Int(restored - etaSeen)) s taken")
            #expect(restored - etaSeen < 3 * eta + 30 && eta < 3 * (restored - etaSeen) + 30, "ETA \(eta) s, took \(restored - etaSeen) s")
        }
        try run(second, step: 10, within: 60)
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
