/// The forms operators wrap a command in, as runbooks write them:
/// `su postgres -c '…'`, `sudo -u postgres sh -c '…'`, `bash -lc '…'`, and
/// `cd DIR && …`. The shell looks through them, so a tool inside is
/// recognised, rated and guarded as itself (`su postgres -c 'rm -rf x'`
/// destroys data), and runs as the wrapper says: that user, that directory.
public struct ShellWrapper: Sendable, Equatable {
    /// The command inside, as shell text.
    public var text: String
    /// The user it runs as (`su USER`, `sudo -u USER`), if it switches.
    public var user: String?
    /// Whether the switch is a login (`su -`, `sudo -i`).
    public var login = false
    /// The directory it runs in (`cd DIR && …`).
    public var directory: String?

    /// The command inside `words` (a simple command's expanded words), if
    /// they are such a wrapper.
    public static func unwrap(_ words: [String]) -> ShellWrapper? {
        guard let first = words.first else { return nil }
        switch basename(first) {
        case "su": return su(Array(words.dropFirst()))
        case "sudo": return sudo(Array(words.dropFirst()))
        case "sh", "bash", "dash": return shell(Array(words.dropFirst()))
        default: return nil
        }
    }

    /// `cd DIR && REST` at the start of shell text: DIR and REST's text.
    public static func changingDirectory(_ text: String) -> (directory: String, rest: String)? {
        guard let words = try? Words(parsing: text), words.words.count >= 3, words.words[0].symbolicText == "cd",
              words.words[2].symbolicText == "&&" || words.words[1].symbolicText.hasSuffix("&&") else { return nil }
        let directory = words.words[1].symbolicText.replacing("&&", with: "")
        guard !directory.isEmpty, !directory.contains("$"), let and = text.firstRange(of: "&&") else { return nil }
        let rest = text[and.upperBound...].drop { $0 == " " || $0 == "\t" }
        return rest.isEmpty ? nil : (directory, String(rest))
    }

    /// `su [-|-l|--login] [-s SHELL] [USER] -c TEXT [USER]`.
    static func su(_ arguments: [String]) -> ShellWrapper? {
        var wrapper = ShellWrapper(text: "", user: nil)
        var iterator = arguments.makeIterator()
        var text: String?
        while let argument = iterator.next() {
            switch argument {
            case "-", "-l", "--login": wrapper.login = true
            case "-s", "--shell": _ = iterator.next()
            case "-c", "--command": text = iterator.next()
            case _ where argument.hasPrefix("-"): return nil
            default:
                guard wrapper.user == nil else { return nil }
                wrapper.user = argument
            }
        }
        guard let text else { return nil }
        wrapper.text = text
        wrapper.user = wrapper.user ?? "root"
        return wrapper
    }

    /// `sudo [-u USER] [-i|-H|-n…] sh|bash -c TEXT`.
    static func sudo(_ arguments: [String]) -> ShellWrapper? {
        var user = "root", login = false, index = 0
        while index < arguments.count, arguments[index].hasPrefix("-") {
            let option = arguments[index]
            if option == "-u" || option == "--user", index + 1 < arguments.count {
                user = arguments[index + 1]
                index += 2
                continue
            }
            if option == "-iu", index + 1 < arguments.count { user = arguments[index + 1]; login = true; index += 2; continue }
            if option == "-i" || option == "--login" { login = true }
            index += 1
        }
        guard index < arguments.count, var inner = unwrap(Array(arguments[index...])), inner.user == nil else { return nil }
        inner.user = user
        inner.login = inner.login || login
        return inner
    }

    /// `sh|bash [-l] [-e…] -c TEXT` (`-lc` too). A login shell reads the
    /// profile; it changes neither user nor directory.
    static func shell(_ arguments: [String]) -> ShellWrapper? {
        for (index, argument) in arguments.enumerated() {
            guard argument.hasPrefix("-") else { return nil }
            if argument.hasSuffix("c"), index + 1 < arguments.count { return ShellWrapper(text: arguments[index + 1], user: nil) }
        }
        return nil
    }
}
