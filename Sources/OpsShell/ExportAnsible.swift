import ArgumentParser
import OpsKit
#if canImport(Glibc)
import Glibc
#endif

/// `opsshell export ansible [--inventory FILE] [--unattended] RECORDING DIR`.
struct ExportRecording: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export a recording to another engine.",
        subcommands: [ExportAnsible.self])
}

struct ExportAnsible: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ansible", abstract: "Write an Ansible inventory and playbook that do what RECORDING did.",
        discussion: "DIR gets inventory.yml, playbook.yml, ansible.cfg and .ansible-lint. A line Ansible cannot express is refused with its number; nothing is written then.")

    @Argument(help: "The recording (or any script).") var recording: String
    @Argument(help: "The directory to write to (made if missing).") var directory: String
    @ArgumentParser.Flag(name: .long, help: "Destructive commands run without pausing for the typed word (the playbook's header says so).")
    var unattended = false
    @Option(name: .long, help: ArgumentHelp("The inventory whose hosts and roles the playbook's come from (default: as for the shell).", valueName: "FILE"))
    var inventory: String?
    @Option(name: .customLong("plugins"), help: ArgumentHelp("Also read plugin files from DIR (their risk ratings decide which lines pause).", valueName: "DIR"))
    var pluginDirectories: [String] = []

    @MainActor
    mutating func run() async throws {
        // Only what the export reads: the inventory and the tools' ratings.
        let options = try SessionOptions.parse(["--no-audit"] + (inventory.map { ["--inventory", $0] } ?? [])
            + pluginDirectories.flatMap { ["--plugins", $0] })
        let files = try AnsibleExporting.files(recording: recording, unattended: unattended, options: options)
        do {
            try files.write(to: directory)
        } catch {
            throw ValidationError("export ansible: \(error)")
        }
        print("wrote \(directory)/inventory.yml, playbook.yml, ansible.cfg, .ansible-lint; run: ANSIBLE_CONFIG=\(directory)/ansible.cfg ansible-playbook -i \(directory)/inventory.yml \(directory)/playbook.yml")
    }
}

/// What `export ansible` and `replay --via ansible` share.
enum AnsibleExporting {
    @MainActor
    static func files(recording: String, unattended: Bool, options: SessionOptions) throws -> AnsibleExport.Files {
        let script: ScriptFile
        do { script = try ScriptFile.load(recording) } catch { throw ValidationError("export ansible: \(error)") }
        let interpreter = try options.makeInterpreter()
        var exportOptions = AnsibleExport.Options(localDirectory: currentDirectory(), recordingPath: recording, version: ShellVersion.current)
        exportOptions.unattended = unattended
        let export = AnsibleExport(catalog: interpreter.context.catalog, inventory: interpreter.context.inventory, options: exportOptions)
        do {
            return try export.export(script)
        } catch {
            TerminalConsole().error("\(error)")
            throw ExitCode(1)
        }
    }

    /// `replay --via ansible RECORDING [--check]`: export to a temporary
    /// directory, run ansible-playbook there, remove it.
    @MainActor
    static func replay(recording: String, check: Bool, options: SessionOptions) async throws {
        guard !options.dryRun else { throw ValidationError("replay --via ansible: use --check (Ansible's check mode) instead of --dry-run") }
        guard options.record == nil else { throw ValidationError("replay --via ansible: --record records the shell's own sessions; Ansible's output is its own") }
        let files = try files(recording: recording, unattended: options.yes, options: options)
        var template = Array("/tmp/opsshell-ansible-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ValidationError("replay --via ansible: cannot make a temporary directory") }
        let directory = String(cString: made)
        defer {
            for name in [AnsibleExport.Files.names.inventory, AnsibleExport.Files.names.playbook, AnsibleExport.Files.names.config, AnsibleExport.Files.names.lint] {
                unlink(directory + "/" + name)
            }
            rmdir(directory)
        }
        do { try files.write(to: directory) } catch { throw ValidationError("replay --via ansible: \(error)") }
        if check {
            TerminalConsole().notice("Ansible's check mode skips shell tasks (they cannot say what they would change), so this run checks little beyond reaching the hosts")
        }
        let program = getenv("OPSSHELL_ANSIBLE_PLAYBOOK").map { String(cString: $0) } ?? "ansible-playbook"
        let status: ExitStatus
        do {
            status = try await AnsiblePlaybookRun.run(program: program, directory: directory, check: check, variables: options.variables)
        } catch {
            throw ValidationError("replay --via ansible: cannot run \(program) (\(error)); install ansible-core, or set OPSSHELL_ANSIBLE_PLAYBOOK to its ansible-playbook")
        }
        throw ExitCode(status.code)
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
