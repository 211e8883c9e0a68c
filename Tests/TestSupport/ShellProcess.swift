import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The `opsshell` binary under test, run as a process.
public enum ShellBinary {
    /// The binary `swift build` made; `OPSSHELL_BIN` overrides.
    public static var path: String {
        if let override = getenv("OPSSHELL_BIN") { return String(cString: override) }
        return packageRoot + "/.build/debug/opsshell"
    }

    /// The package's root directory.
    public static var packageRoot: String {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }

    /// What a run printed and how it exited.
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        public let error: String
    }

    /// Runs `opsshell ARGUMENTS` with `input` on standard input (a pipe, so
    /// never a terminal) and `environment` added to this process's.
    public static func run(_ arguments: [String], input: String = "", environment: [String: String] = [:]) async throws -> Result {
        try await runProcess(path, arguments, input: input, environment: environment)
    }

    /// Runs any program the same way.
    public static func runProcess(_ program: String, _ arguments: [String], input: String = "",
                                  environment: [String: String] = [:]) async throws -> Result {
        var overrides: [Environment.Key: String?] = ["NO_COLOR": "1"]
        for (key, value) in environment { overrides[Environment.Key(stringLiteral: key)] = value }
        // A new session: no controlling terminal, so nothing can ask at
        // /dev/tty, as in CI, even when the tests run from a terminal.
        var options = PlatformOptions()
        options.createSession = true
        let result = try await Subprocess.run(
            .path(.init(program)), arguments: Arguments(arguments), environment: .inherit.updating(overrides),
            platformOptions: options,
            input: .string(input), output: .string(limit: 16 << 20), error: .string(limit: 16 << 20)
        )
        let status: Int32 = switch result.terminationStatus {
        case .exited(let code): Int32(code)
        case .signaled(let signal): 128 + Int32(signal)
        }
        return Result(status: status, output: result.standardOutput, error: result.standardError)
    }
}

/// A fresh temporary directory, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init() {
        var template = Array("/tmp/opsshell-test.XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    public func remove() {
        _ = system("rm -rf '\(path)'")
    }

    /// Writes `text` to `name` inside the directory; returns the full path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        let handle = fopen(file, "w")
        fputs(text, handle)
        fclose(handle)
        return file
    }
}
