/// Command-line flags that carry a credential (`consul … -token=V`,
/// `--password V`): their values never reach history, the recording or the
/// audit log.
public enum CredentialFlag {
    static let names: Set = ["token", "password", "passwd", "secret", "http-auth"]

    /// Whether `word` is such a flag, with or without its `=VALUE`.
    public static func isCredential(_ word: String) -> Bool {
        guard word.hasPrefix("-") else { return false }
        let name = word.drop { $0 == "-" }.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
        return names.contains(name.lowercased())
    }

    /// `words` with each credential flag's value replaced by `<hidden>`.
    public static func hidden(_ words: [String]) -> [String] {
        var result: [String] = []
        var hideNext = false
        for word in words {
            if hideNext {
                result.append("<hidden>")
                hideNext = false
            } else if isCredential(word) {
                if let equals = word.firstIndex(of: "=") {
                    result.append(String(word[...equals]) + "<hidden>")
                } else {
                    result.append(word)
                    hideNext = true
                }
            } else {
                result.append(word)
            }
        }
        return result
    }
}
