import Synchronization

/// The fan-out's way onto the console: each write is a whole prefixed line
/// or a piece of one, and while a host is in the middle of a long line (one
/// that outgrew a chunk and is streaming in pieces), the other hosts' writes
/// to that stream wait here until its line ends, so no line is cut by
/// another host's.
final class OutputGate: Sendable {
    /// One write: the prefix (at the start of a line only), then bytes.
    struct Piece {
        var host: Int
        var prefix: [(text: String, style: Style)]
        var bytes: [UInt8]
        /// Whether the piece ends its line (the host gives up the stream).
        var endsLine: Bool
    }

    private struct State {
        /// The host in the middle of a line, per stream.
        var owner: [OutputStream: Int] = [:]
        /// Other hosts' pieces held back meanwhile, in arrival order.
        var waiting: [OutputStream: [Piece]] = [:]
    }

    private let console: any Console
    private let state = Mutex(State())

    init(console: any Console) { self.console = console }

    /// Writes `piece` now, or after the line another host is writing.
    /// Written under the lock: that keeps pieces in the order they came.
    func write(_ piece: Piece, to stream: OutputStream) {
        state.withLock { state in
            Self.write(piece, to: stream, state: &state, console: console)
        }
    }

    private static func write(_ piece: Piece, to stream: OutputStream, state: inout State, console: any Console) {
        if let owner = state.owner[stream], owner != piece.host {
            state.waiting[stream, default: []].append(piece)
            return
        }
        console.write(piece.prefix, bytes: piece.bytes, to: stream)
        guard piece.endsLine else {
            state.owner[stream] = piece.host
            return
        }
        state.owner[stream] = nil
        // The stream is free: let the held-back pieces through, in order;
        // one of them may take the stream again and hold back the rest.
        let held = state.waiting[stream] ?? []
        state.waiting[stream] = nil
        for next in held { write(next, to: stream, state: &state, console: console) }
    }
}
