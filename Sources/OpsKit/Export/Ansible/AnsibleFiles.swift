import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension AnsibleExport.Files {
    /// The file names in the export directory.
    public static let names = (inventory: "inventory.yml", playbook: "playbook.yml", config: "ansible.cfg", lint: ".ansible-lint")

    /// Writes the four files into `directory` (made if missing), each
    /// whole or not at all (temporary file, fsync, rename); nothing else
    /// there is touched.
    public func write(to directory: String) throws(RecordingError) {
        if mkdir(directory, 0o755) != 0, errno != EEXIST { throw RecordingError(path: directory, errno: errno) }
        let names = Self.names
        for (name, text) in [(names.inventory, inventory), (names.playbook, playbook), (names.config, config), (names.lint, lintConfig)] {
            let path = directory + "/" + name
            let file = try AppendOnlyFile(path: path + ".tmp", mode: 0o644, truncate: true)
            try file.append(text)
            file.close()
            guard rename(path + ".tmp", path) == 0 else { throw RecordingError(path: path, errno: errno) }
        }
    }
}

/// `ansible-playbook` on an exported directory, its output streamed to
/// this terminal (its prompts read from it): `replay --via ansible`.
public enum AnsiblePlaybookRun {
    /// The argument vector: `--set NAME=VALUE`s become `-e` with a JSON
    /// object, which Ansible takes as exactly those strings (its `k=v` form
    /// would split a value at blanks and quotes).
    public static func arguments(directory: String, check: Bool, variables: [String] = []) -> [String] {
        let names = AnsibleExport.Files.names
        var arguments = ["-i", directory + "/" + names.inventory, directory + "/" + names.playbook] + (check ? ["--check"] : [])
        for assignment in variables {
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            let name = String(assignment[..<equals]), value = String(assignment[assignment.index(after: equals)...])
            arguments += ["-e", "{" + JSONValue.quote(name) + ": " + JSONValue.quote(value) + "}"]
        }
        return arguments
    }

    /// Runs `program` (`ansible-playbook`, or a path) and returns its exit status.
    /// - Throws: when it cannot be started at all (not installed).
    public static func run(program: String, directory: String, check: Bool, variables: [String] = []) async throws -> ExitStatus {
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        let environment = Environment.inherit.updating(["ANSIBLE_CONFIG": directory + "/" + AnsibleExport.Files.names.config])
        let result = try await Subprocess.run(executable, arguments: Arguments(arguments(directory: directory, check: check, variables: variables)),
                                              environment: environment, input: .currentStandardInput,
                                              output: .currentStandardOutput, error: .currentStandardError)
        switch result.terminationStatus {
        case .exited(let code): return .exited(Int32(code))
        case .signaled(let signal): return .signalled(Int32(signal))
        }
    }
}
