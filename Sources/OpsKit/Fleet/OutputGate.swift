import Synchronization

/// The fan-out's way onto the console: each write is a whole prefixed line
/// or a piece of one, and while a host is in the middle of a long line (one
/// that outgrew a chunk and is streaming in pieces), the other hosts' writes
/// to that stream wait here until its line ends, so no line is cut by
/// another host's.
///
/// What waits is bounded in memory (`memoryLimit` per stream); beyond it a
/// waiting host's pieces go to a temporary file. Waiting never blocks a
/// host's reader: a remote command never stalls because another host's
/// line is on the terminal (a progress meter without newlines can hold it
/// for hours).
final class OutputGate: Sendable {
    /// One write: the prefix (at the start of a line only), then bytes.
    struct Piece {
        var host: Int
        var prefix: [(text: String, style: Style)]
        var bytes: [UInt8]
        /// Whether the piece ends its line (the host gives up the stream).
        var endsLine: Bool
    }

    /// The most of the waiting hosts' output held in memory per stream.
    static let memoryLimit = 1 << 20

    private let console: any Console
    private let memoryLimit: Int
    /// Per stream: standard output, then standard error.
    private let streams = Mutex([Turns(), Turns()])

    init(console: any Console, memoryLimit: Int = OutputGate.memoryLimit) {
        self.console = console
        self.memoryLimit = memoryLimit
    }

    /// Writes `piece` now, or after the line another host is writing.
    /// Written under the lock: that keeps each host's pieces in order.
    func write(_ piece: Piece, to stream: OutputStream) {
        streams.withLock { streams in
            streams[stream == .output ? 0 : 1].write(piece, to: stream, on: console, memoryLimit: memoryLimit)
        }
    }

    /// Who has one stream, and who waits for it.
    private struct Turns {
        /// The host in the middle of a line.
        var owner: Int?
        /// The hosts waiting, in the order they began to wait; the owner
        /// never has a backlog.
        var waiting: [HostBacklog] = []
        var bytesInMemory = 0

        mutating func write(_ piece: Piece, to stream: OutputStream, on console: any Console, memoryLimit: Int) {
            if let owner, owner != piece.host {
                hold(piece, memoryLimit: memoryLimit)
                return
            }
            emit(piece, to: stream, on: console)
            // The stream is free: the waiting hosts go, in turn, each with
            // all it holds; one that ends mid-line takes the stream again.
            while owner == nil, !waiting.isEmpty {
                let backlog = waiting.removeFirst()
                bytesInMemory -= backlog.bytesInMemory
                do {
                    try backlog.drain { emit($0, to: stream, on: console) }
                } catch {
                    console.write("opsshell: \(error)\n", style: .error, to: .error)
                    owner = nil
                }
            }
        }

        private mutating func hold(_ piece: Piece, memoryLimit: Int) {
            let fits = bytesInMemory + piece.bytes.count <= memoryLimit
            let index: Int
            if let found = waiting.firstIndex(where: { $0.host == piece.host }) {
                index = found
            } else {
                waiting.append(HostBacklog(host: piece.host))
                index = waiting.count - 1
            }
            let before = waiting[index].bytesInMemory
            waiting[index].append(piece, inMemory: fits)
            bytesInMemory += waiting[index].bytesInMemory - before
        }

        private mutating func emit(_ piece: Piece, to stream: OutputStream, on console: any Console) {
            console.write(piece.prefix, bytes: piece.bytes, to: stream)
            owner = piece.endsLine ? nil : piece.host
        }
    }
}
