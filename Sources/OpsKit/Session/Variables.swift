#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The session's variables: `date` pinned at start, the built-in names the
/// runbooks use, and whatever the operator `set`s.
public struct Variables: Sendable, Equatable {
    /// A variable's value and whether it is a secret (never shown or written).
    public struct Variable: Sendable, Equatable {
        public var value: String
        public var isSecret: Bool
    }

    /// Names every session knows, set or not: `vars` lists them and
    /// completion offers them.
    public static let builtInNames = ["date", "role", "cluster", "datadir"]

    private var storage: [String: Variable] = [:]

    /// A session's variables with `date` pinned to `date` (`YYYY-MM-DD`).
    public init(date: String = Variables.today()) {
        storage["date"] = Variable(value: date, isSecret: false)
    }

    /// The value of `name`, if set.
    public subscript(name: String) -> String? { storage[name]?.value }

    /// The pinned date stamp (the `date` variable).
    public var date: String { storage["date"]?.value ?? Variables.today() }

    /// Sets `name`; `secret` keeps it out of every view and file. A name
    /// that holds a credential (`CONSUL_HTTP_TOKEN`) is always a secret.
    public mutating func set(_ name: String, to value: String, secret: Bool = false) throws(LanguageError) {
        guard Variables.isValidName(name) else { throw LanguageError(.invalidName(name), column: 1) }
        storage[name] = Variable(value: value, isSecret: secret || Variables.holdsCredential(name))
    }

    /// Whether `name` by its name holds a credential: `TOKEN`, `PASSWORD`,
    /// `SECRET` or `PASSWD` in it, in any case. Setting one without `-s`
    /// must not write it to history or the recording.
    public static func holdsCredential(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["TOKEN", "PASSWORD", "PASSWD", "SECRET"].contains { upper.contains($0) }
    }

    /// Removes `name`; returns whether it was set.
    @discardableResult
    public mutating func unset(_ name: String) -> Bool {
        storage.removeValue(forKey: name) != nil
    }

    /// Whether `name` is a secret.
    public func isSecret(_ name: String) -> Bool { storage[name]?.isSecret ?? false }

    /// Every set variable, sorted by name.
    public var all: [(name: String, variable: Variable)] {
        storage.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Every name worth completing: the built-ins and everything set.
    public var knownNames: [String] {
        Array(Set(Variables.builtInNames).union(storage.keys)).sorted()
    }

    /// The values of every secret, for masking output and logs.
    public var secretValues: [String] {
        storage.values.filter { $0.isSecret && !$0.value.isEmpty }.map(\.value)
    }

    func resolve(_ reference: Reference) throws(LanguageError) -> String {
        switch reference.kind {
        case .pinnedDate:
            return date
        case .variable(let name):
            guard let value = storage[name]?.value else {
                throw LanguageError(.unsetVariable(name), column: reference.column)
            }
            return value
        }
    }

    /// Whether `name` can be a variable: letters, digits and `_`, not
    /// starting with a digit.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isNameStart(first) else { return false }
        return name.unicodeScalars.allSatisfy(isNameContinue)
    }

    /// Today in the local time zone as `YYYY-MM-DD`, as `date +%F` prints it.
    public static func today() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        let year = Int(parts.tm_year) + 1900, month = Int(parts.tm_mon) + 1, day = Int(parts.tm_mday)
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
}
