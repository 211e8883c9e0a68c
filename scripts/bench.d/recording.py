#!/usr/bin/env python3
"""Recording rows for make bench: the cost the recording adds per command
(1,000 `echo` built-ins, so no process start hides it; on this disk, fsync
included), and replaying a 1,000-line script of local `true` commands."""
import json, os, shutil, statistics, subprocess, sys, tempfile

binary = sys.argv[1]
work = tempfile.mkdtemp(prefix="opsshell-bench-rec-", dir=os.getcwd())  # a real disk, not /tmp's tmpfs
env = dict(os.environ, XDG_STATE_HOME=work, NO_COLOR="1")


def hyperfine(command, runs=10, prepare=None):
    out = os.path.join(work, "h.json")
    args = ["hyperfine", "-N", "--runs", str(runs), "--warmup", "2", "--export-json", out, "--style", "none"]
    if prepare:
        args += ["--prepare", prepare]
    subprocess.run(args + [command], check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return statistics.median(json.load(open(out))["results"][0]["times"])


try:
    echoes = os.path.join(work, "echo.ops")
    with open(echoes, "w") as f:
        f.writelines(f"echo line {i}\n" for i in range(1000))
    plain = hyperfine(f"{binary} run {echoes}")
    recorded = hyperfine(f"{binary} run --record {work}/out.ops {echoes}", prepare=f"rm -f {work}/out.ops")
    per_command = (recorded - plain) / 1000 * 1000
    print(f"recording overhead per command (1,000 commands, fsync'd, median)\t{per_command:.2f} ms\t< 1 ms\t")

    trues = os.path.join(work, "true.ops")
    with open(trues, "w") as f:
        f.writelines("true\n" for _ in range(1000))
    replay = hyperfine(f"{binary} replay {trues}", runs=3)
    print(f"replay of 1,000 local `true` commands\t{replay:.2f} s\t< 3 s\t")
finally:
    shutil.rmtree(work, ignore_errors=True)
