import ArgumentParser
import OpsKit
#if canImport(Glibc)
import Glibc
#endif

/// Where guided walks keep their recordings and progress:
/// `$XDG_STATE_HOME/opsshell/guides/NAME-YYYYMMDD-HHMMSS.ops` and `….ops.guide`.
enum GuideFiles {
    static func directory() throws -> String {
        guard let state = StatePaths.directory() else {
            throw ValidationError("no state directory (set HOME or XDG_STATE_HOME), or pass --record FILE")
        }
        let directory = state + "/guides"
        mkdir(directory, 0o700)
        return directory
    }

    /// A new recording's path for a walk of `runbook`.
    static func newRecording(for runbook: String) throws -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let stamp = "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
        var name = String(runbook.split(separator: "/").last ?? "runbook")
        if name.hasSuffix(".md") { name.removeLast(3) }
        return try directory() + "/\(name)-\(stamp).ops"
    }

    /// Makes a walk recorded elsewhere (`--record FILE`) findable by a bare
    /// `--resume`: a link to its progress file in the guides directory.
    static func register(progress path: String) {
        guard let directory = try? directory(), !path.hasPrefix(directory + "/") else { return }
        let link = directory + "/walk-" + GuideProgress.fingerprint(of: path) + ".guide"
        unlink(link)
        symlink(path, link)
    }

    /// The progress file `--resume` continues: the recording's, when given;
    /// else the newest unfinished walk (of `runbook`, when given).
    static func progressToResume(runbook: String?, recording: String?) throws -> String {
        if let recording { return GuideProgress.path(forRecording: recording) }
        let directory = try directory()
        var newest: (path: String, time: Int)?
        guard let handle = opendir(directory) else { throw ValidationError("cannot read \(directory)") }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            guard name.hasSuffix(".guide") else { continue }
            let path = directory + "/" + name
            guard let text = readText(path), let progress = GuideProgress(text: text), !progress.finished else { continue }
            if let runbook, progress.runbook != runbook, progress.runbook != absolutePath(runbook) { continue }
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if newest == nil || info.st_mtim.tv_sec >= newest!.time { newest = (path, info.st_mtim.tv_sec) }
        }
        guard let newest else {
            throw ValidationError("no unfinished guided walk\(runbook.map { " of \($0)" } ?? "") in \(directory)")
        }
        return newest.path
    }
}
