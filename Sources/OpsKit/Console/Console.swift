/// How a piece of text should look on a terminal; plain everywhere else.
public enum Style: Sendable, Hashable {
    case plain, bold, dim, error, warning, notice, success
    /// A host name in fan-out output; the index picks its colour.
    case host(Int)
}

/// Which output stream text goes to.
public enum OutputStream: Sendable {
    case output, error
}

/// Where the shell writes and from where it asks the operator; the terminal
/// in the app, a recording console in tests.
public protocol Console: Sendable {
    /// Writes `text` as it is (no newline added).
    func write(_ text: String, style: Style, to stream: OutputStream)
    /// Writes differently styled pieces as one piece of output; a console
    /// that can makes it a single write, so concurrent lines never mix.
    func write(_ parts: [(text: String, style: Style)], to stream: OutputStream)
    /// Writes raw bytes from a command's output, unchanged.
    func write(bytes: [UInt8], to stream: OutputStream)
    /// Writes styled pieces, then raw bytes, as one piece of output: a
    /// fan-out line, its host's prefix and the host's bytes as they came.
    func write(_ parts: [(text: String, style: Style)], bytes: [UInt8], to stream: OutputStream)
    /// Asks the operator for a line; nil when nobody can answer (no
    /// terminal, end of input).
    func ask(_ prompt: String) -> String?
    /// Asks without echoing the answer (a secret).
    func askSecret(_ prompt: String) -> String?
    /// Whether `stream` is a terminal that shows colour, so a line can be
    /// redrawn in place (`\r`, `ESC[K`); false for pipes, files and
    /// `NO_COLOR`.
    func drawsInPlace(on stream: OutputStream) -> Bool
}

extension Console {
    public func askSecret(_ prompt: String) -> String? { ask(prompt) }

    public func drawsInPlace(on stream: OutputStream) -> Bool { false }

    public func write(_ parts: [(text: String, style: Style)], to stream: OutputStream) {
        for part in parts { write(part.text, style: part.style, to: stream) }
    }

    public func write(_ parts: [(text: String, style: Style)], bytes: [UInt8], to stream: OutputStream) {
        write(parts, to: stream)
        write(bytes: bytes, to: stream)
    }

    /// Writes one line on standard output.
    public func line(_ text: String, style: Style = .plain) {
        write(text + "\n", style: style, to: .output)
    }

    /// Writes `opsshell: text` as an error on standard error.
    public func error(_ text: String) {
        write("opsshell: " + text + "\n", style: .error, to: .error)
    }

    /// Writes a one-line notice on standard error: something the operator
    /// should know that is not the command's output.
    public func notice(_ text: String) {
        write("note: " + text + "\n", style: .notice, to: .error)
    }
}
