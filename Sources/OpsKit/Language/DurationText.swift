/// Durations as operators write them: `500ms`, `30s`, `10m`, `6h`, `1d`, or
/// plain seconds.
public enum DurationText {
    /// The duration `text` names, or nil when it is not one.
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)), value >= 0 else { continue }
            return .milliseconds(Int64((value * seconds * 1000).rounded()))
        }
        guard let value = Double(text), value >= 0 else { return nil }
        return .milliseconds(Int64((value * 1000).rounded()))
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The duration as a clock shows elapsed time: `01:02:03`.
    public var clockText: String {
        let seconds = Int(inSeconds)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
    }
}
