/// One host's output on one stream, held back while another host is in the
/// middle of a line there: in memory while the gate allows, then in a
/// temporary file, so a long wait costs disk, not memory. Nothing is dropped
/// and nothing changes order.
struct HostBacklog {
    /// Runs of pieces, oldest first; a file when memory was full, memory
    /// again when the disk refused (a full disk loses nothing, it only costs memory).
    private enum Segment {
        case memory([OutputGate.Piece])
        case file(SpillFile)
    }

    let host: Int
    private var segments: [Segment] = []
    /// The host's line prefix, to put back before a held line's start.
    private var prefix: [(text: String, style: Style)] = []
    /// What this backlog holds in memory, for the gate's bound.
    private(set) var bytesInMemory = 0

    init(host: Int) { self.host = host }

    /// Holds `piece` after everything held before it; in memory only when
    /// `inMemory` (the gate's bound allows it) or the disk refuses.
    mutating func append(_ piece: OutputGate.Piece, inMemory: Bool) {
        if !piece.prefix.isEmpty { prefix = piece.prefix }
        if !inMemory, spill(piece) { return }
        bytesInMemory += piece.bytes.count
        guard case .memory(var pieces)? = segments.last else {
            segments.append(.memory([piece]))
            return
        }
        segments.removeLast()  // so `pieces` is the only reference and grows in place
        pieces.append(piece)
        segments.append(.memory(pieces))
    }

    /// Gives every held piece to `body`, oldest first.
    func drain(_ body: (OutputGate.Piece) -> Void) throws(SpillError) {
        for segment in segments {
            switch segment {
            case .memory(let pieces): pieces.forEach(body)
            case .file(let file): try file.forEach(host: host, prefix: prefix, body)
            }
        }
    }

    private mutating func spill(_ piece: OutputGate.Piece) -> Bool {
        if case .file(let file)? = segments.last { return file.append(piece) }
        guard let file = SpillFile(), file.append(piece) else { return false }
        segments.append(.file(file))
        return true
    }
}
