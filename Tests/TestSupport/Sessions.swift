import OpsKit

/// An interpreter over a `TestConsole` and the real local executor, with the
/// date pinned so expectations do not depend on the day.
@MainActor
public func makeInterpreter(console: TestConsole = TestConsole(), plugins: [any Plugin] = [],
                            date: String = "2026-11-29", configure: (inout Session) -> Void = { _ in }) -> Interpreter {
    var session = Session(variables: Variables(date: date))
    configure(&session)
    let catalog = Catalog(commands: Builtins.all, plugins: plugins)
    return Interpreter(context: Context(session: session, console: console, executor: ProcessExecutor(), catalog: catalog))
}
