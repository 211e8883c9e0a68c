#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written in durable steps: every write is followed by fsync, so
/// what was written survives a crash of the shell or the machine.
final class AppendOnlyFile: @unchecked Sendable {
    // @unchecked: used only from the interpreter (main actor) and closed once.
    let path: String
    private var descriptor: Int32

    /// Opens `path` for appending, creating it with `mode`.
    init(path: String, mode: mode_t = 0o600, truncate: Bool = false) throws(RecordingError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), mode)
        guard descriptor >= 0 else { throw RecordingError(path: path, errno: errno) }
    }

    deinit { close() }

    /// The file's current length: where the next write lands.
    var length: off_t { lseek(descriptor, 0, SEEK_END) }

    /// Appends `text` and makes it durable.
    func append(_ text: String) throws(RecordingError) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw RecordingError(path: path, errno: errno)
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw RecordingError(path: path, errno: errno) }
    }

    /// Cuts the file back to `length` (to replace a "running" marker with
    /// the result), durably.
    func truncate(to length: off_t) throws(RecordingError) {
        guard ftruncate(descriptor, length) == 0, fsync(descriptor) == 0 else { throw RecordingError(path: path, errno: errno) }
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }
}

/// A recording or log file that cannot be written; says which and why.
public struct RecordingError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    init(path: String, errno code: Int32) {
        self.path = path
        reason = String(cString: strerror(code))
    }

    public var description: String { "cannot write \(path): \(reason)" }
}
