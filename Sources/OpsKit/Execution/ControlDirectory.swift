#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A session's directory of ssh control sockets, `/tmp/opsshell-ssh.XXXXXX`
/// (0700), with an `owner` file holding the shell's pid.
///
/// A shell that ends closes its masters and removes the directory; one
/// killed with SIGKILL cannot. The owner file lets the next shell tell such
/// a directory (owner gone: its masters are closed and it is removed) from a
/// live shell's, which it leaves alone.
enum ControlDirectory {
    static let parent = "/tmp"
    static let namePrefix = "opsshell-ssh."
    static let ownerFile = "owner"

    /// Creates a fresh directory owned by this process; nil when /tmp
    /// refuses (the session then runs without multiplexing).
    static func create() -> String? {
        // Short path on purpose: a socket path has ~100 bytes.
        var template = Array("\(parent)/\(namePrefix)XXXXXX".utf8CString)
        guard let directory = template.withUnsafeMutableBufferPointer({ buffer -> String? in
            mkdtemp(buffer.baseAddress!).map { String(cString: $0) }
        }) else { return nil }
        let descriptor = open(directory + "/" + ownerFile, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            let text = Array("\(getpid())\n".utf8)
            _ = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
        }
        return directory
    }

    /// Closes the masters of, and removes, every directory in /tmp whose
    /// owner process is gone. A directory without an owner file is left:
    /// its shell may be starting right now (or be an older version).
    static func removeStale() {
        for name in entries(of: parent) where name.hasPrefix(namePrefix) {
            let directory = parent + "/" + name
            var info = stat()
            guard lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(),
                  let owner = owner(of: directory), owner != getpid() else { continue }
            // EPERM means it exists (another user's): only ESRCH is gone.
            if kill(owner, 0) == -1, errno == ESRCH { remove(directory) }
        }
    }

    /// Asks each master in `directory` to exit, then removes the directory.
    static func remove(_ directory: String) {
        for name in entries(of: directory) {
            let path = directory + "/" + name
            var info = stat()
            if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK {
                // `ssh -O exit` needs a destination but uses only the socket.
                _ = Connections.spawnAndWait(["ssh", "-o", "ControlPath=\(path)", "-O", "exit", "--", "opsshell-control"], log: "/dev/null")
            }
            unlink(path)
        }
        rmdir(directory)
    }

    /// The pid in the directory's owner file.
    static func owner(of directory: String) -> pid_t? {
        guard let text = readText(directory + "/" + ownerFile) else { return nil }
        return pid_t(text.split(separator: "\n").first ?? "")
    }

    private static func entries(of path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }
}
