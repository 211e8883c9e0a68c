import Synchronization

/// One plugin file's text and, once needed, its tools' parsed details.
/// Shared by the tools of that file; parsed at most once, by whichever use
/// comes first (Tab, `help`, a line naming the tool).
final class PluginFileSource: Sendable {
    let file: String
    let text: String
    private let bodies: Mutex<[String: FilePlugin.Body]?>

    /// `bodies` when the file was just parsed; nil to parse on first use.
    init(file: String, text: String, bodies: [String: FilePlugin.Body]?) {
        self.file = file
        self.text = text
        self.bodies = Mutex(bodies)
    }

    /// Whether the text has been parsed yet (for tests).
    var isParsed: Bool { bodies.withLock { $0 != nil } }

    /// The details of the tool called `name`.
    func body(of name: String) -> FilePlugin.Body {
        bodies.withLock { bodies in
            if bodies == nil {
                // The text was read and checked when the cache was written,
                // by this same binary, so this parse succeeds.
                let plugins = (try? PluginFileReader.parse(text, file: file)) ?? []
                bodies = Dictionary(plugins.map { ($0.name, $0.body) }, uniquingKeysWith: { _, last in last })
            }
            return bodies?[name] ?? .unreadable
        }
    }
}
