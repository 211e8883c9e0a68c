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
        descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), mode)
        guard descriptor >= 0 else { throw RecordingError(path: path, errno: errno) }
    }

    deinit { close() }

    /// The file's current length: where the next write lands.
    var length: off_t { lseek(descriptor, 0, SEEK_END) }

    /// Appends `text` and makes it durable: all of it, or (on a full disk,
    /// a failed sync) none of it.
    func append(_ text: String) throws(RecordingError) {
        let bytes = Array(text.utf8)
        let before = length
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let failure = RecordingError(path: path, errno: errno)
                // A torn line would be glued to the next one; cutting it
                // frees space, so this works on a full disk too.
                if before >= 0 { _ = ftruncate(descriptor, before) }
                throw failure
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            let failure = RecordingError(path: path, errno: errno)
            if before >= 0 { _ = ftruncate(descriptor, before) }
            throw failure
        }
    }

    /// Cuts an unfinished last line (no newline at the end) left by a crash,
    /// so the next append starts a line of its own.
    func cutTornLastLine() throws(RecordingError) {
        let end = length
        guard end > 0 else { return }
        var byte: UInt8 = 0
        var position = end - 1
        guard pread(descriptor, &byte, 1, position) == 1 else { return }
        guard byte != UInt8(ascii: "\n") else { return }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while position > 0 {
            let start = max(0, position - off_t(chunk.count))
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, Int(position - start), start) }
            guard count > 0 else { break }
            if let newline = chunk[..<count].lastIndex(of: UInt8(ascii: "\n")) {
                try truncate(to: start + off_t(newline) + 1)
                return
            }
            position = start
        }
        try truncate(to: 0)
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
