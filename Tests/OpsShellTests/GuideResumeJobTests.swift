import Foundation
import OpsKit
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `guide --resume` after the shell was killed while a step's detached job
/// ran, and the job ended before the walk came back: the walk reads how it
/// ended (status, last output) from the host and never starts it again.
@Suite("guide --resume and a job that ended while the shell was gone", .serialized)
struct GuideResumeJobTests {
    @Test("ended with 0: reported with its last output, not started again, the walk goes on; ended otherwise: the step stops",
          arguments: [0, 3])
    func endedJob(status: Int) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let runs = directory.path + "/runs", after = directory.path + "/after"
        let book = directory.write("restore.md", """
            # Restore
            1. Restore, detached.
               ```sh
               bg sh -c 'echo run >> \(runs); sleep 2; echo restored 7 files; exit \(status)'
               attach %%
               ```
            2. Then.
               ```sh
               touch \(after)
               ```
            """)
        let recording = directory.path + "/walk.ops"
        let environment = ["NO_COLOR": "1", "XDG_STATE_HOME": directory.path]
        let first = try PseudoTerminal([ShellBinary.path, "guide", "--no-audit", "--record", recording, book], environment: environment)
        var mark = try first.expectInput("[q]uit? ", within: 30)
        first.type("r\r")
        let started = try first.expect("local: started, detached", after: mark, within: 30)
        let id = try #require(String(first.transcript[mark..<started]).firstMatch(of: /job %([0-9a-f]{6})/).map { String($0.1) })
        _ = try first.expect("attached to %\(id)", after: started, within: 20)
        kill(first.pid, SIGKILL)
        #expect(first.waitForExit(within: 10) == 128 + SIGKILL)
        let user = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        let statusFile = "/var/tmp/opsshell-jobs/\(user)/\(id)@local/status"
        let deadline = Monotonic.now + 30
        while access(statusFile, F_OK) != 0 {
            guard Monotonic.now < deadline else { throw TestFailure("the job did not end") }
            usleep(100_000)
        }
        #expect(GuideProgress(text: readFile(recording + ".guide"))?.jobs[GuideProgress.StepLine(step: 1, line: 1)] == id)

        let second = try PseudoTerminal([ShellBinary.path, "guide", "--no-audit", "--resume", "--record", recording], environment: environment)
        mark = try second.expect("line 1 started job %\(id) before this walk was interrupted", within: 30)
        mark = try second.expectInput("[q]uit? ", after: mark, within: 30)
        second.type("r\r")
        mark = try second.expect("job %\(id) on local ended while the shell was gone: exited \(status); its last output: restored 7 files", after: mark, within: 30)
        if status == 0 {
            let ended = mark
            mark = try second.expectInput("[q]uit? ", after: mark, within: 30)
            #expect(second.transcript[ended..<mark].contains("Step 2 of 2"), "the walk went on to step 2: \(second.transcript[ended...])")
            second.type("r\r")
            #expect(second.waitForExit(within: 30) == 0, "\(second.transcript)")
            #expect(access(after, F_OK) == 0)
            #expect(GuideProgress(text: readFile(recording + ".guide"))?.finished == true)
        } else {
            mark = try second.expect("job %\(id) did not succeed (local: exited \(status)), so the step is not done", after: mark, within: 30)
            mark = try second.expectInput("[q]uit? ", after: mark, within: 30)
            second.type("q\r")
            #expect(second.waitForExit(within: 30) == 0)
            let saved = try #require(GuideProgress(text: readFile(recording + ".guide")))
            #expect(saved.step == 1 && saved.jobs.isEmpty, "the failed job is forgotten, so [r]un starts the line anew: \(saved.text)")
            #expect(access(after, F_OK) != 0)
        }
        #expect(readFile(runs) == "run\n", "the job ran once, never again on resume")
    }
}
