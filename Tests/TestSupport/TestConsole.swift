import OpsKit
import Synchronization

/// A console a test reads back: everything written, styles stripped, and
/// scripted answers for questions.
public final class TestConsole: Console {
    private struct State {
        var output = ""
        var error = ""
        var answers: [String]
        var questions: [String] = []
    }
    private let state: Mutex<State>

    /// A console that answers its questions with `answers`, in order, then
    /// nil (nobody at the terminal).
    public init(answers: [String] = []) {
        state = Mutex(State(answers: answers))
    }

    public func write(_ text: String, style: Style, to stream: OpsKit.OutputStream) {
        state.withLock { if stream == .output { $0.output += text } else { $0.error += text } }
    }

    public func write(_ parts: [(text: String, style: Style)], to stream: OpsKit.OutputStream) {
        write(parts.map(\.text).joined(), style: .plain, to: stream)
    }

    public func write(bytes: [UInt8], to stream: OpsKit.OutputStream) {
        write(String(decoding: bytes, as: UTF8.self), style: .plain, to: stream)
    }

    public func ask(_ prompt: String) -> String? {
        state.withLock { state in
            state.questions.append(prompt)
            return state.answers.isEmpty ? nil : state.answers.removeFirst()
        }
    }

    /// Everything written to standard output.
    public var output: String { state.withLock { $0.output } }
    /// Everything written to standard error.
    public var error: String { state.withLock { $0.error } }
    /// The questions asked, in order.
    public var questions: [String] { state.withLock { $0.questions } }
}
