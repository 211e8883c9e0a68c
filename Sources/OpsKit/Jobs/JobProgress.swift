/// How far a job that fills a directory is (a restore): the bytes there so
/// far, what the archive said it will hold, the rate measured between two
/// readings, and the time left at that rate.
public struct JobProgress: Sendable, Equatable, CustomStringConvertible {
    public var bytes: Int64
    /// The size at the end (a base backup's expanded size); nil when the
    /// archive did not say.
    public var expectedBytes: Int64?
    /// Bytes per second, measured; nil before it has grown.
    public var bytesPerSecond: Double?
    /// Whether the job still runs: until it ends, never "100%".
    public var running: Bool

    public init(bytes: Int64, expectedBytes: Int64?, bytesPerSecond: Double?, running: Bool = true) {
        self.bytes = bytes
        self.expectedBytes = expectedBytes
        self.bytesPerSecond = bytesPerSecond
        self.running = running
    }

    /// A running job's progress from one listing: the rate is the average
    /// over its life so far, once it has run a while (its first seconds
    /// are the archive's listing: their rate would promise days). Nil when
    /// the job watches no directory.
    public init?(_ job: Job) {
        guard let bytes = job.progressBytes else { return nil }
        let seconds = job.seconds ?? 0
        self.init(bytes: bytes, expectedBytes: job.expectedBytes,
                  bytesPerSecond: job.state == .running && seconds >= 10 && bytes > 0 ? Double(bytes) / Double(seconds) : nil,
                  running: job.state == .running)
    }

    /// The progress at `later`, the rate measured since `earlier` (two
    /// listings of the same job on the same host, whose clock times both).
    public init?(from earlier: Job, to later: Job) {
        guard let bytes = later.progressBytes else { return nil }
        let before = earlier.progressBytes ?? 0
        let seconds = (later.seconds ?? 0) - (earlier.seconds ?? 0)
        self.init(bytes: bytes, expectedBytes: later.expectedBytes ?? earlier.expectedBytes,
                  bytesPerSecond: seconds > 0 && bytes > before ? Double(bytes - before) / Double(seconds) : nil)
    }

    /// Seconds until the expected size at the measured rate; nil when either is unknown.
    public var etaSeconds: Int? {
        guard let expectedBytes, let bytesPerSecond, bytesPerSecond > 0 else { return nil }
        return Int((Double(max(0, expectedBytes - bytes)) / bytesPerSecond).rounded(.up))
    }

    /// `41.2 MB of 59.5 MB (69%), 1.2 MB/s, ETA 00:00:15`.
    public var description: String {
        var text = JobsCommand.bytes(bytes)
        if let expectedBytes {
            // du counts what tar has written so far, which can pass the
            // archive's figure at the very end: never "100%" before it ends.
            let percent = min(running ? 99 : 100, Int(Double(bytes) * 100 / Double(max(1, expectedBytes))))
            text += " of \(JobsCommand.bytes(expectedBytes)) (\(percent)%)"
        }
        if let bytesPerSecond { text += ", \(JobsCommand.bytes(Int64(bytesPerSecond)))/s" }
        if let etaSeconds { text += ", ETA \(Duration.seconds(etaSeconds).clockText)" }
        return text
    }
}
