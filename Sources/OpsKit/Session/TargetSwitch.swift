/// The runbook lines that change who commands run as: `sudo su`,
/// `sudo su -`, `sudo su - USER`, `sudo -i`, `sudo -iu USER`, `sudo -s`.
enum TargetSwitch {
    /// The user and login flag a line switches to, or nil when the line is
    /// not such a switch.
    static func parse(_ words: [String]) -> (user: String, login: Bool)? {
        guard words.first == "sudo" else { return nil }
        let rest = Array(words.dropFirst())
        switch rest {
        case ["su"]: return ("root", false)
        case ["su", "-"], ["su", "-l"], ["su", "--login"], ["-i"]: return ("root", true)
        case ["-s"]: return ("root", false)
        default: break
        }
        if rest.count == 3, rest[0] == "su", ["-", "-l", "--login"].contains(rest[1]) { return (rest[2], true) }
        if rest.count == 2, rest[0] == "su", !rest[1].hasPrefix("-") { return (rest[1], false) }
        if rest.count == 2, rest[0] == "-iu" { return (rest[1], true) }
        if rest.count == 3, rest[0] == "-i", rest[1] == "-u" { return (rest[2], true) }
        if rest.count == 3, rest[0] == "-u", rest[2] == "-i" { return (rest[1], true) }
        return nil
    }
}
