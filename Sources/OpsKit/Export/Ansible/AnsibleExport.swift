/// `opsshell export ansible`: a recording becomes an Ansible inventory and
/// playbook that do what the rehearsal did, line by line, in order,
/// stopping at the first failure (README: "Beyond one bastion").
///
/// Every recorded line becomes tasks or is refused with its line number:
/// nothing is dropped. Host queries are resolved against the inventory
/// when exporting, with the shell's own rules.
public struct AnsibleExport: Sendable {
    public struct Options: Sendable {
        /// No `pause` before destructive commands; the header says so.
        public var unattended = false
        /// Where lines on this machine run (the shell's own directory).
        public var localDirectory: String
        /// How long a `bg` job may run before Ansible ends it.
        public var jobTimeoutSeconds = 6 * 3600
        /// For the header.
        public var recordingPath: String
        public var version: String

        public init(localDirectory: String, recordingPath: String, version: String) {
            self.localDirectory = localDirectory
            self.recordingPath = recordingPath
            self.version = version
        }
    }

    /// The exported files' text.
    public struct Files: Sendable {
        public let inventory: String
        public let playbook: String
        /// `ansible.cfg`: pipelining (so `become_user` needs no temporary
        /// files readable by that user) and the hosts' system Python.
        public let config: String
        /// `.ansible-lint`: the rules the export breaks on purpose.
        public let lintConfig: String
    }

    public let catalog: Catalog
    public let inventory: Inventory
    public let options: Options

    public init(catalog: Catalog, inventory: Inventory, options: Options) {
        self.catalog = catalog
        self.inventory = inventory
        self.options = options
    }

    /// The files for `script`.
    /// - Throws: `AnsibleExportError` for the first line (or inventory
    ///   entry) Ansible cannot express.
    public func export(_ script: ScriptFile) throws(AnsibleExportError) -> Files {
        let hosts = try AnsibleInventory(inventory)
        var builder = PlaybookBuilder(export: self, hosts: hosts)
        for (index, entry) in script.entries.enumerated() {
            let last = index == script.entries.count - 1
            if try builder.add(entry) == .endsSession, !last {
                let left = script.entries.count - index - 1
                throw AnsibleExportError(line: entry.line, text: entry.text,
                                         reason: "`exit` at the first target ends the session, and \(left) later command\(left == 1 ? "" : "s") would not run")
            }
        }
        let playbook = builder.finish()
        var header = "# Exported by opsshell \(options.version) from \(Self.comment(options.recordingPath)): `opsshell export ansible`.\n"
        header += "# Run: ANSIBLE_CONFIG=ansible.cfg ansible-playbook -i inventory.yml playbook.yml\n"
        header += options.unattended
            ? "# UNATTENDED: exported with --unattended; destructive commands run without asking for the typed word.\n"
            : "# Destructive commands pause for the word the shell asked for; without a terminal they stop the run.\n"
        header += "# Session variables are play vars (override with -e NAME=VALUE, as replay --set does).\n"
        return Files(inventory: hosts.rendered(sshConfig: inventory.sshConfig),
                     playbook: header + "---\n" + YAMLNode.list(playbook.map(\.node)).rendered(),
                     config: Self.config, lintConfig: Self.lintConfig)
    }

    static let config = """
        # Written by opsshell export ansible.
        [defaults]
        # The system's Python on the hosts (Debian's), not whatever discovery
        # finds first on PATH (a pyenv shim); -e ansible_python_interpreter=… overrides.
        interpreter_python = /usr/bin/python3
        retry_files_enabled = False
        [ssh_connection]
        pipelining = True

        """

    static let lintConfig = """
        # Written by opsshell export ansible. Broken on purpose:
        skip_list:
          # every line runs as typed, through /bin/sh, as the shell ran it
          - command-instead-of-shell
          - command-instead-of-module
          # task names and commands are the recorded lines, whole; a name
          # holding `{{` is !unsafe (never templated), which lint cannot see
          - yaml[line-length]
          - name[template]
          # session variables keep the recording's names (PGPASSWORD)
          - var-naming[pattern]

        """

    /// Text for a `#` comment line: no line break can end the comment.
    static func comment(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" ? "?" : Character($0) })
    }
}
