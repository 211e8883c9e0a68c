import Foundation
@testable import OpsKit
@testable import Plugins
import TestSupport
import Testing

/// What a restore job's progress is made of: the backup's expected size
/// (from the archive), the measured rate, the ETA, and where a runbook's
/// restore line is found to be one.
@Suite("Restore progress")
struct RestoreProgressTests {
    func job(seconds: Int, bytes: Int64?, expected: Int64? = nil, state: Job.State = .running) -> Job {
        Job(id: "1a2b3c", host: "db-1", user: "root", state: state, seconds: seconds, progressBytes: bytes, expectedBytes: expected,
            lastLine: "", command: "wal-e backup-fetch /data LATEST")
    }

    @Test("the rate between two readings, and the ETA to the expected size at that rate")
    func rateAndETA() throws {
        let mib: Int64 = 1 << 20
        let progress = try #require(JobProgress(from: job(seconds: 100, bytes: 20 * mib, expected: 100 * mib),
                                                to: job(seconds: 130, bytes: 50 * mib, expected: 100 * mib)))
        #expect(progress.bytesPerSecond == Double(mib))
        #expect(progress.etaSeconds == 50)
        #expect(progress.description == "50.0 MB of 100.0 MB (50%), 1.0 MB/s, ETA 00:00:50")
    }

    @Test("no growth, no expected size, or the first seconds: no rate or no ETA, never a made-up one")
    func unknowns() throws {
        let still = try #require(JobProgress(from: job(seconds: 10, bytes: 500, expected: 1000), to: job(seconds: 40, bytes: 500, expected: 1000)))
        #expect(still.bytesPerSecond == nil && still.etaSeconds == nil)
        let unsized = try #require(JobProgress(job(seconds: 100, bytes: 1000)))
        #expect(unsized.bytesPerSecond == 10 && unsized.etaSeconds == nil && !unsized.description.contains("ETA"))
        #expect(JobProgress(job(seconds: 2, bytes: 300, expected: 1 << 30))?.etaSeconds == nil, "a rate from the first seconds would promise days")
        #expect(JobProgress(job(seconds: 100, bytes: nil)) == nil)
        // Past the archive's figure before the end: 99%, ETA 0, never more.
        let over = try #require(JobProgress(job(seconds: 100, bytes: 1100, expected: 1000)))
        #expect(over.description.contains("(99%)") && over.etaSeconds == 0)
        #expect(JobProgress(job(seconds: 100, bytes: 1100, expected: 1000, state: .exited(0)))?.description == "1.1 kB of 1000 B (100%)")
    }

    @Test("the hosts' listing carries the expected size between progress and the last line")
    func listing() {
        let jobs = Job.parse("1a2b3c\troot\trunning\t30\t1000\t62360723\tMSG: beginning partition download\tsudo -iu gitlab-psql wal-e backup-fetch /d LATEST\n"
                             + "?\tgitlab-psql\tunreadable\t\t\t\t\t\n", host: "db-1")
        #expect(jobs.count == 2)
        #expect(jobs[0].expectedBytes == 62_360_723 && jobs[0].progressBytes == 1000 && jobs[0].lastLine == "MSG: beginning partition download")
        #expect(jobs[1].state == .unreadable && jobs[1].expectedBytes == nil)
    }

    @Test("a base backup's expanded size from WAL-E 1.1.1's stop sentinel, captured in the lab; the file backend's paths")
    func sentinel() {
        #expect(BackupSize.expandedSize(inSentinel: fixture("wal-e/backup-stop-sentinel-file-1.1.1.json")) == 62_360_723)
        #expect(BackupSize.expandedSize(inSentinel: "{\"wal_segment_backup_stop\": \"000000010000000000000004\"}") == nil)
        #expect(BackupSize.expandedSize(inSentinel: "not json") == nil)
        #expect(BackupSize.sentinelPath(prefix: "file://localhost/srv/archive/", backup: "base_1_2") == "/srv/archive/basebackups_005/base_1_2_backup_stop_sentinel.json")
        #expect(BackupSize.sentinelPath(prefix: "file:///srv/archive", backup: "base_1_2") == "/srv/archive/basebackups_005/base_1_2_backup_stop_sentinel.json")
        #expect(BackupSize.sentinelPath(prefix: "s3://bucket/prefix", backup: "base_1_2") == nil)
    }

    @Test("the runbook's one restore line (empty the directory, then backup-fetch, inside knife ssh) is a long run watching DIR, its size asked of the archive")
    func runbookLine() throws {
        let catalog = Catalog(commands: Builtins.all, plugins: BuiltinPlugins.all)
        let line = ["knife", "ssh", "-m", "a b", "sudo find /data -mindepth 1 -delete && sudo -iu gitlab-psql /usr/bin/envdir /etc/wal-e.d/env /opt/wal-e/bin/wal-e backup-fetch /data LATEST"]
        let run = try #require(catalog.longRun(of: line))
        #expect(run.progressDirectory == "/data")
        #expect(run.expectedBytes != nil)
        #expect(catalog.longRun(of: ["knife", "ssh", "-m", "a b", "sudo find /data -mindepth 1 -delete"]) == nil)
    }

    @Test("a guide's progress keeps the jobs its step started, and reads them back")
    func guideJobs() throws {
        var progress = GuideProgress(runbook: "geo-rebuild", fingerprint: "00", recording: "/tmp/w.ops", step: 9)
        progress.jobs = [GuideProgress.StepLine(step: 9, line: 1): "1a2b3c"]
        #expect(progress.text.contains("job 9 1 1a2b3c\n"))
        #expect(GuideProgress(text: progress.text) == progress)
        #expect(GuideProgress(text: progress.text.replacing("job 9 1 1a2b3c", with: "job 9 x 1a2b3c")) == nil, "a damaged line is not a progress file")
    }
}
