import Synchronization

/// A status line redrawn in place while something runs (`patronictl wait`,
/// `backup-fetch`'s progress).
///
/// Redrawing needs `\r` and `ESC[K`, which only a terminal understands; in a
/// pipe, a log file or with `NO_COLOR` they are noise a `grep` has to step
/// over. There each update is a plain line of its own, and only when it says
/// something new, so a six-hour wait does not print 2,000 lines.
public struct LiveLine: Sendable {
    private let console: any Console
    private let stream: OutputStream
    private let inPlace: Bool
    private var lastNews: String?
    private var drawn = false

    public init(on console: any Console, to stream: OutputStream = .error) {
        self.console = console
        self.stream = stream
        inPlace = console.drawsInPlace(on: stream)
    }

    /// Shows `text`. Off a terminal it is written only when `news` differs
    /// from the last update's; with `news` nil, never (progress that only
    /// counts up).
    public mutating func update(_ text: String, news: String?, style: Style = .dim) {
        LiveLine.shown.set(text, drawnInPlace: inPlace)
        if inPlace {
            console.write("\r\u{1B}[K" + text, style: style, to: stream)
            drawn = true
        } else if let news, news != lastNews {
            console.write(text + "\n", style: style, to: stream)
            lastNews = news
        }
    }

    /// Removes the line, so what follows starts on a clean one.
    public mutating func clear() {
        LiveLine.shown.set(nil, drawnInPlace: false)
        if drawn { console.write("\r\u{1B}[K", style: .plain, to: stream) }
        drawn = false
    }

    /// Ends the line where it is, keeping its last text on the screen.
    public mutating func keep() {
        LiveLine.shown.set(nil, drawnInPlace: false)
        if drawn { console.write("\n", style: .plain, to: stream) }
        drawn = false
    }
}

extension LiveLine {
    /// The live line showing now (the last one updated), so that the
    /// guide's once-a-minute note can carry its reason instead of only the
    /// elapsed time, or stay quiet while it is redrawn in place.
    static let shown = Shown()

    final class Shown: Sendable {
        private let state = Mutex<(text: String, drawnInPlace: Bool)?>(nil)

        func set(_ text: String?, drawnInPlace: Bool) {
            state.withLock { $0 = text.map { ($0, drawnInPlace) } }
        }

        var current: (text: String, drawnInPlace: Bool)? { state.withLock { $0 } }
    }
}
