/// Why a recording (or its inventory) cannot become a playbook: the line
/// and its text, and what to do. Nothing is written then; a playbook that
/// silently left a line out would not do what the rehearsal did.
public struct AnsibleExportError: Error, CustomStringConvertible, Equatable {
    /// The recording's line, or nil for a problem with the inventory.
    public let line: Int?
    /// The line as recorded.
    public let text: String
    public let reason: String

    init(line: Int?, text: String, reason: String) {
        self.line = line
        self.text = text
        self.reason = reason
    }

    public var description: String {
        guard let line else { return "export ansible: \(reason)" }
        return "export ansible: line \(line): \(text)\n  cannot be expressed in Ansible: \(reason); nothing was written"
    }
}
