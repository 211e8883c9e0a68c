import OpsKit

/// A fixture file's text, from `Tests/Fixtures/` (see its README for where
/// each came from).
public func fixture(_ name: String) -> String {
    guard let text = readText(ShellBinary.packageRoot + "/Tests/Fixtures/" + name) else {
        preconditionFailure("missing fixture Tests/Fixtures/\(name)")
    }
    return text
}
