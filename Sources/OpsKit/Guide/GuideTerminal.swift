/// What the guide needs from the terminal it walks an operator through:
/// the app gives libedit and Ctrl-C handling, tests give scripted answers.
@MainActor
public protocol GuideTerminal {
    /// Columns to wrap prose to.
    var width: Int { get }
    /// One answer typed at `prompt`; nil at end of input.
    func choose(_ prompt: String) -> String?
    /// `text` to change in the line editor; nil when abandoned.
    func edit(_ text: String, prompt: String) -> String?
    /// Runs a line in the session, as the cancellable command Ctrl-C stops.
    func run(_ line: String, in interpreter: Interpreter) async -> Outcome
    /// The interactive shell on the session until `exit` at the target it
    /// started on.
    func shell(_ interpreter: Interpreter) async
}
