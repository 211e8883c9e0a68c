/// The shell text that starts, lists, follows and ends detached jobs on a
/// host. A job lives in `/var/tmp/opsshell-jobs/USER/ID@HOST/` on the host
/// itself (0700, owned by the user it runs as): `command`, `started`, `pid`,
/// `log` (its output), `status` (its exit status, written when it ends),
/// `watch` (a directory whose size is its progress), `expected` (the bytes
/// that directory will hold at the end, when known). The host records the
/// job, so a new shell, or a colleague's, finds it there.
enum JobScripts {
    /// Where jobs live on every host: `/var` is the host's own, and
    /// `/var/tmp` survives a reboot on most systems.
    static let base = "/var/tmp/opsshell-jobs"

    /// The job's directory for the user the command runs as on `host`
    /// (shell text: `$me` is set by the caller's script).
    static func directory(_ id: String, host: String) -> String { "\"$base/$me/\(id)@\(host)\"" }

    private static let preamble = "base=\(base); me=$(id -un); export base me; "

    /// Starts `command` detached from the connection: under `systemd-run`
    /// where root runs on systemd, else `setsid nohup`; prints `started`.
    static func launch(id: String, host: String, command: String, watch: String?, expected: Int64? = nil) -> String {
        let dir = directory(id, host: host)
        let runner = "echo $$ > \(dir)/pid; /bin/sh -c \(ShellQuoting.quote(command)) > \(dir)/log 2>&1; "
            + "echo $? > \(dir)/status.tmp; mv \(dir)/status.tmp \(dir)/status"
        return preamble + "umask 077; "
            + "mkdir -p \"$base\" 2>/dev/null && chmod 1777 \"$base\" 2>/dev/null; "
            + "mkdir -p \"$base/$me\" && chmod 700 \"$base/$me\" || exit 1; "
            + "[ \"$(stat -c %u \"$base/$me\")\" = \"$(id -u)\" ] || { echo \"opsshell: $base/$me belongs to someone else\" >&2; exit 1; }; "
            + "mkdir \(dir) || exit 1; "
            + "printf '%s\\n' \(ShellQuoting.quote(command)) > \(dir)/command; date +%s > \(dir)/started; pwd > \(dir)/directory; "
            + (watch.map { "printf '%s\\n' \(ShellQuoting.quote($0)) > \(dir)/watch; " } ?? "")
            + (expected.map { "echo \($0) > \(dir)/expected; " } ?? "")
            + "export OPSSHELL_JOB=\(id); "
            + "if [ \"$(id -u)\" = 0 ] && [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then "
            + "systemd-run --unit=opsshell-\(id) --collect --quiet -E OPSSHELL_JOB=\(id) /bin/sh -c \"base=$base; me=$me; \"\(ShellQuoting.quote(runner)) "
            + "&& echo systemd > \(dir)/runner || exit 1; "
            + "else setsid nohup /bin/sh -c \(ShellQuoting.quote(runner)) </dev/null >/dev/null 2>&1 & echo setsid > \(dir)/runner; fi; "
            + "i=0; while [ ! -s \(dir)/pid ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
            + "[ -s \(dir)/pid ] && echo started"
    }

    /// One line per job of `host` (`id` nil: all), tab-separated:
    /// `ID USER STATE SECONDS PROGRESS_BYTES EXPECTED_BYTES LAST_LINE COMMAND`, where STATE
    /// is `running`, `exited N`, `lost` or `unreadable`.
    static func list(host: String, id: String? = nil) -> String {
        let pattern = "\"$base\"/*/\(id ?? "*")@\(host)"
        return "base=\(base); now=$(date +%s); "
            // Another user's directory is theirs alone: say it is there.
            + "for u in \"$base\"/*/; do [ -d \"$u\" ] && ! [ -x \"$u\" ] && printf '?\\t%s\\tunreadable\\t\\t\\t\\t\\t\\n' \"$(basename \"$u\")\"; done; "
            + "for d in \(pattern); do [ -d \"$d\" ] || continue; "
            + "u=$(basename \"$(dirname \"$d\")\"); j=$(basename \"$d\"); j=${j%@*}; "
            + "if [ ! -r \"$d/command\" ]; then printf '%s\\t%s\\tunreadable\\t\\t\\t\\t\\t\\n' \"$j\" \"$u\"; continue; fi; "
            + "s=$(cat \"$d/started\" 2>/dev/null || echo $now); "
            + "if [ -f \"$d/status\" ]; then state=\"exited $(cat \"$d/status\")\"; "
            + "elif p=$(cat \"$d/pid\" 2>/dev/null) && [ -n \"$p\" ] && ps -o args= -p \"$p\" 2>/dev/null | grep -qF \"/$j@\(host)\"; then state=running; "
            + "else state=lost; fi; "
            + "w=''; [ -f \"$d/watch\" ] && w=$(du -sb \"$(cat \"$d/watch\")\" 2>/dev/null | cut -f1); "
            + "x=$(cat \"$d/expected\" 2>/dev/null); "
            + "last=$(tail -c 4096 \"$d/log\" 2>/dev/null | tr '\\r\\t' '\\n ' | grep -v '^ *$' | tail -n 1 | cut -c1-160); "
            + "printf '%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' \"$j\" \"$u\" \"$state\" $((now - s)) \"$w\" \"$x\" \"$last\" \"$(head -n 1 \"$d/command\" | tr '\\t' ' ')\"; "
            + "done"
    }

    /// Follows the job's output from where it is now (`follow`) or only
    /// waits, until it ends; exits with its status (255 when lost). The log
    /// is read by offset, not by `tail -F`, so that what the job wrote last,
    /// just before its status, is printed too.
    static func follow(_ id: String, host: String, user: String, showOutput: Bool) -> String {
        let dir = "\"$base\"/\(ShellQuoting.quote(user))/\(id)@\(host)"
        let flush = showOutput
            ? "s=$(wc -c < $d/log 2>/dev/null || echo $o); if [ \"$s\" -gt \"$o\" ]; then tail -c +$((o + 1)) $d/log | head -c $((s - o)); o=$s; fi; "
            : ""
        return "base=\(base); d=\(dir); [ -d $d ] || { echo \"opsshell: no job %\(id) here\" >&2; exit 255; }; "
            + "o=$(wc -c < $d/log 2>/dev/null || echo 0); while [ ! -f $d/status ]; do "
            + "p=$(cat $d/pid 2>/dev/null); if [ -z \"$p\" ] || ! ps -o args= -p \"$p\" 2>/dev/null | grep -qF \"/\(id)@\(host)\"; then "
            + "[ -f $d/status ] && break; echo \"opsshell: job %\(id) is lost: its process is gone and left no status\" >&2; exit 255; fi; "
            + flush
            + "sleep 0.5; done; " + flush + "exit $(cat $d/status)"
    }

    /// Ends the job's whole process group (or its systemd unit).
    static func kill(_ id: String, host: String, user: String) -> String {
        let dir = "\"$base\"/\(ShellQuoting.quote(user))/\(id)@\(host)"
        return "base=\(base); d=\(dir); [ -f $d/status ] && { echo \"opsshell: job %\(id) has already ended\" >&2; exit 1; }; "
            + "if [ \"$(cat $d/runner 2>/dev/null)\" = systemd ]; then systemctl stop opsshell-\(id); "
            + "else p=$(cat $d/pid) && kill -TERM -- -\"$p\" 2>/dev/null || kill -TERM \"$p\"; fi"
    }
}
