/// A Markdown runbook read into steps: what `opsshell guide RUNBOOK.md` walks
/// and `opsshell guide --list` prints. The Markdown it reads is described on
/// `RunbookReader`.
public struct Runbook: Sendable, Equatable {
    /// The first level-1 heading's text (`# Geo Patroni Cluster Management`), if any.
    public var title: String?
    /// Where the runbook came from, for messages: a file name or a name like `geo-rebuild`.
    public var source: String
    /// The numbered steps, in file order.
    public var steps: [RunbookStep]
    /// What the reader read one way the author may have meant another
    /// (a non-shell block never closed), in file order.
    public var warnings: [RunbookWarning] = []
    /// A hash of the text: a resumed walk notices a changed runbook. Not
    /// part of equality: the same steps read from CRLF text are the same runbook.
    public var fingerprint: String

    public static func == (a: Runbook, b: Runbook) -> Bool {
        a.title == b.title && a.source == b.source && a.steps == b.steps
    }

    /// Reads a file's content. Throws `RunbookError.notText` for bytes that are
    /// not UTF-8 or hold control bytes (a binary file), and the errors of
    /// `init(text:source:)`.
    public init(bytes: [UInt8], source: String) throws(RunbookError) {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...]
        if let bad = Self.firstBadByte(body) {
            // The bytes before the first bad one are valid UTF-8: count their lines.
            let before = String(decoding: body[..<bad], as: UTF8.self)
            throw .notText(source, line: before.textLines.count)
        }
        try self.init(text: String(decoding: body, as: UTF8.self), source: source)
    }

    /// Reads a runbook's text. Throws `RunbookError` when it holds control
    /// characters, a fence or comment never closed, an unknown
    /// `opsshell:` directive, no numbered step or no command at all.
    public init(text: String, source: String) throws(RunbookError) {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }
        // A control character is one ASCII byte, and no byte of a longer
        // UTF-8 sequence is ASCII: the bytes tell, without decoding scalars.
        if let bad = body.utf8.firstIndex(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0C && $0 != 0x0D }) {
            throw .notText(source, line: String(body[..<bad]).textLines.count)
        }
        let (title, steps, warnings) = try RunbookReader.read(String(body).textLines, source: source)
        self.title = title
        self.warnings = warnings
        self.source = source
        self.steps = steps
        fingerprint = GuideProgress.fingerprint(of: text)
    }

    /// C0 control characters other than tab, line feed, form feed and carriage return.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D].contains(scalar.value)
    }

    /// The offset of the first byte that starts invalid UTF-8 or a control character.
    static func firstBadByte(_ bytes: ArraySlice<UInt8>) -> Int? {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            // ASCII, the bulk of a runbook, needs no decoding.
            if bytes[offset] < 0x80 {
                if isControl(Unicode.Scalar(bytes[offset])) { return offset }
                offset += 1
                continue
            }
            var parser = Unicode.UTF8.ForwardParser()
            var iterator = bytes[offset...].makeIterator()
            guard case .valid(let encoded) = parser.parseScalar(from: &iterator) else { return offset }
            offset += encoded.count
        }
        return nil
    }
}
