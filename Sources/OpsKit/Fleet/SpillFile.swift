#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A temporary file that holds a host's held-back pieces of output, in
/// order, and gives them back once: what lets a host wait for the terminal
/// without its output growing the shell's memory.
///
/// The file is unlinked as soon as it is made, so it is gone when the shell
/// ends, however it ends; it lives in `$TMPDIR` (else `/tmp`).
final class SpillFile {
    private let descriptor: Int32
    /// Where the next record goes; everything before it is whole records.
    private var end: Int64 = 0

    /// A new empty file; nil when none can be made (no writable temp directory).
    init?() {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/opsshell-held-output.XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Appends `piece` (its bytes, whether it starts and ends its line);
    /// false, with the file as it was, when the disk refuses it.
    func append(_ piece: OutputGate.Piece) -> Bool {
        var header = Header(startsLine: !piece.prefix.isEmpty, endsLine: piece.endsLine, count: piece.bytes.count)
        let written = withUnsafeBytes(of: &header) { write($0, at: end) }
            && piece.bytes.withUnsafeBytes { write($0, at: end + Int64(Header.size)) }
        guard written else {
            // A torn record would corrupt every record after it.
            _ = ftruncate(descriptor, off_t(end))
            return false
        }
        end += Int64(Header.size + piece.bytes.count)
        return true
    }

    /// Calls `body` with every piece, in the order they were appended, each
    /// line's start behind `prefix`; throws when the file cannot be read back.
    func forEach(host: Int, prefix: [(text: String, style: Style)], _ body: (OutputGate.Piece) -> Void) throws(SpillError) {
        var offset: Int64 = 0
        var header = Header(startsLine: false, endsLine: false, count: 0)
        while offset < end {
            guard withUnsafeMutableBytes(of: &header, { read(into: $0, at: offset) }) else { throw SpillError(errno: errno) }
            var bytes = [UInt8](repeating: 0, count: header.count)
            guard bytes.withUnsafeMutableBytes({ read(into: $0, at: offset + Int64(Header.size)) }) else { throw SpillError(errno: errno) }
            body(OutputGate.Piece(host: host, prefix: header.startsLine ? prefix : [], bytes: bytes, endsLine: header.endsLine))
            offset += Int64(Header.size + header.count)
        }
    }

    private struct Header {
        static let size = MemoryLayout<Header>.size
        var startsLine: Bool
        var endsLine: Bool
        var count: Int
    }

    private func write(_ buffer: UnsafeRawBufferPointer, at offset: Int64) -> Bool {
        var done = 0
        while done < buffer.count {
            let written = pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            done += written
        }
        return true
    }

    private func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) -> Bool {
        var done = 0
        while done < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            done += count
        }
        return true
    }
}

/// Held-back output that could not be read back from its temporary file.
struct SpillError: Error, CustomStringConvertible {
    let errno: Int32

    var description: String { "could not read back held output: " + String(cString: strerror(errno)) }
}
