#if canImport(Glibc)
import Glibc
#endif

/// Reading text without Foundation, which costs startup time.
enum FileText {
    /// The whole file as UTF-8 (invalid bytes replaced), or nil with errno set.
    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count > 0 { bytes.append(contentsOf: buffer[..<count]) }
            if count < buffer.count { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Standard input as lines, read lazily so a pipe feeds the shell as it comes.
struct StandardInputLines: Sequence, IteratorProtocol {
    mutating func next() -> String? { Swift.readLine(strippingNewline: true) }
}
