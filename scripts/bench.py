#!/usr/bin/env python3
"""make bench: measures OpsShell's speed figures and prints one table.

Each figure is measured here, in this run, on this machine; a peer (another
tool doing the same job) is measured in the same run where it is installed.
Usage: bench.py PATH_TO_RELEASE_OPSSHELL
"""
import json, os, pty, select, shutil, statistics, subprocess, sys, tempfile, time

binary = os.path.abspath(sys.argv[1])
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rows = []  # (figure, value, target, peer)


def hyperfine(command, runs=60):
    """Median wall time of a command in ms, measured by hyperfine without a shell."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(["hyperfine", "-N", "--warmup", "5", "--runs", str(runs), "--export-json", out.name,
                        "--style", "none", command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return statistics.median(json.load(open(out.name))["results"][0]["times"]) * 1000


def startup():
    value = hyperfine(f"{binary} -c vars")
    peer = ""
    patronictl = os.path.join(root, "lab/.venv/bin/patronictl")
    if os.access(patronictl, os.X_OK):
        peer = f"patronictl version: {hyperfine(patronictl + ' version', runs=15):.0f} ms"
    else:
        peer = "patronictl not installed (make lab-up installs it)"
    rows.append(("opsshell -c 'vars', start to exit (median)", f"{value:.1f} ms", "< 30 ms", peer))


def completion():
    """Tab on `patr` in the real REPL on a pty, with 10,000 history entries
    loaded: time from the Tab key to the completed word on the screen."""
    state = tempfile.mkdtemp()
    os.makedirs(os.path.join(state, "opsshell"))
    with open(os.path.join(state, "opsshell/history"), "w") as history:
        history.write("_HiStOrY_V2_\n")
        for i in range(10_000):
            history.write(f"knife\\040ssh\\040roles:dr-base-db-patroni\\040'echo\\040{i}'\n")
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(XDG_STATE_HOME=state, NO_COLOR="1", TERM="xterm")
        os.execv(binary, [binary])
    screen = b""

    def wait_for(text, timeout=10):
        nonlocal screen
        end = time.monotonic() + timeout
        while text not in screen:
            if time.monotonic() > end:
                raise SystemExit(f"bench: timed out waiting for {text!r}; screen: {screen[-300:]!r}")
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                screen += os.read(fd, 65536)

    wait_for(b"# " if os.geteuid() == 0 else b"$ ")
    time.sleep(0.2)
    samples = []
    for _ in range(200):
        screen = b""
        os.write(fd, b"patr")
        wait_for(b"patr")
        start = time.perf_counter()
        os.write(fd, b"\t")
        wait_for(b"onictl")
        samples.append((time.perf_counter() - start) * 1000)
        os.write(fd, b"\x15")  # ^U: kill the line for the next round
        time.sleep(0.005)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    shutil.rmtree(state)
    rows.append(("Tab completion of `patr`, 10,000 history entries (median, via pty)",
                 f"{statistics.median(samples):.2f} ms", "< 2 ms", f"p95 {sorted(samples)[189]:.2f} ms"))


startup()
completion()
for extra in sorted(os.listdir(os.path.join(root, "scripts/bench.d"))) if os.path.isdir(os.path.join(root, "scripts/bench.d")) else []:
    # Later issues add their rows as scripts printing tab-separated rows.
    output = subprocess.run([os.path.join(root, "scripts/bench.d", extra), binary], capture_output=True, text=True, check=True).stdout
    rows.extend(tuple(line.split("\t")) for line in output.splitlines() if line.strip())

headers = ("figure", "value", "target", "peer (same run)")
widths = [max(len(str(row[i])) for row in rows + [headers]) for i in range(4)]
print(" | ".join(h.ljust(w) for h, w in zip(headers, widths)))
print("-+-".join("-" * w for w in widths))
for row in rows:
    print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths)))
