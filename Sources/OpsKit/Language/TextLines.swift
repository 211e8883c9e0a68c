extension String {
    /// The text's lines, split at `\n`, `\r\n` or `\r`. In Swift `"\r\n"` is
    /// one `Character`, so splitting at `"\n"` misses it — and tools print it
    /// (WAL-E's `backup-list` is `csv.writer` with Excel's line ends).
    public var textLines: [String] {
        split(omittingEmptySubsequences: false, whereSeparator: { (character: Character) in character.isNewline }).map(String.init)
    }

    /// The last line that is not empty: what a failing tool said last.
    public var lastLine: String {
        textLines.last { !$0.trimmingTrailingBlanks().isEmpty } ?? ""
    }
}
