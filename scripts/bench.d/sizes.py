#!/usr/bin/env python3
"""Input-size rows for make bench (issue 17, item 4): `guide --list` of a
runbook with a 100,000-line code block and of a 2,000-line runbook (issue
13), and one 50 MB output line (binary,
no newline) through `knife ssh` to a real sshd on loopback, with `ssh HOST
cat` of the same file as the peer and opsshell's max RSS, and two hosts
printing such a line at once (one waits for the other's line to end).
Prints tab-separated rows."""
import os, random, resource, shutil, socket, statistics, subprocess, sys, tempfile, time

binary = sys.argv[1]
work = tempfile.mkdtemp(prefix="opsshell-bench-sizes-")
os.chmod(work, 0o755)


def timed(argv, runs):
    """Median wall time in seconds of argv (stdout to /dev/null) and the
    largest max RSS (MB) of any run.

    A child's ru_maxrss starts at its parent's resident size when it forks
    (Linux keeps the high-water mark across exec), so this process must stay
    small: never read a big output whole here (see `output_size`)."""
    times, rss = [], 0
    for _ in range(runs):
        start = time.monotonic()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.monotonic() - start)
        if status != 0:
            raise SystemExit(f"bench: {' '.join(argv)[:200]} failed ({status})")
        rss = max(rss, usage.ru_maxrss / 1024)
    return statistics.median(times), rss


def output_size(argv):
    """How many bytes argv prints, read in pieces so this process stays small."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    size = 0
    while piece := process.stdout.read(1 << 20):
        size += len(piece)
    if process.wait() != 0:
        raise SystemExit(f"bench: {' '.join(argv)[:200]} failed ({process.returncode})")
    return size


def guide_list():
    path = f"{work}/big.md"
    with open(path, "w") as f:
        f.write("# Big\n\n1. Run every line\n\n   ```sh\n")
        f.writelines(f"   echo line {i}\n" for i in range(100_000))
        f.write("   ```\n")
    seconds, _ = timed([binary, "guide", "--list", path], runs=5)
    print(f"guide --list, a 100,000-line code block (median of 5)\t{seconds * 1000:.0f} ms\t< 200 ms\t")


def long_runbook():
    """A 2,000-line runbook as teams write them (issue 13): procedures under
    `##` sections, numbered steps with prose, shell blocks with output,
    YAML to paste, inline commands, checks."""
    path = f"{work}/long.md"
    lines = ["# Long runbook", ""]
    procedure = 0
    while len(lines) < 2000:
        procedure += 1
        lines += [f"## Procedure {procedure}", "", "Read this before you start.", ""]
        for step in range(1, 9):
            lines += [f"{step}. Step {step} of procedure {procedure}: check `sudo gitlab-patronictl list` first.",
                      "   It says which member leads; the next lines restart a replica.", "",
                      "   ```sh", f"   ssh patroni-0{step}-db-gprd", "   sudo systemctl restart patroni",
                      "   gitlab-patronictl list", "   + Cluster: pg-ha ------+---------+", "   | Member | Role   |",
                      "   ```", "", "   ```yaml", "   postgresql:", "     parameters:", "       max_connections: 500",
                      "   ```", "   <!-- opsshell: check gitlab-patronictl list -->", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines[:2000]) + "\n")
    seconds, _ = timed([binary, "guide", "--list", path], runs=10)
    print(f"guide --list, a 2,000-line runbook (median of 10)\t{seconds * 1000:.0f} ms\t< 50 ms\t")


def big_line():
    user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    os.makedirs("/run/sshd", exist_ok=True)
    subprocess.run(f"ssh-keygen -q -t ed25519 -N '' -f {work}/host_key && ssh-keygen -q -t ed25519 -N '' -f {work}/id "
                   f"&& cp {work}/id.pub {work}/authorized_keys && chmod 644 {work}/authorized_keys", shell=True, check=True)
    with open(f"{work}/ssh_config", "w") as f:
        f.write("Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(f"{work}/sshd.conf", "w") as f:
        f.write(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {work}/host_key\nAuthorizedKeysFile {work}/authorized_keys\n"
                f"PidFile {work}/sshd.pid\nStrictModes no\nUsePAM no\nPermitRootLogin yes\nPasswordAuthentication no\n")
    daemon = subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", f"{work}/sshd.conf"], stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.02)
        blob = f"{work}/line.bin"
        rng = random.Random(17)
        with open(blob, "wb") as f:
            for _ in range(50):
                f.write(rng.randbytes(1 << 20).replace(b"\n", b"\xff"))
        with open(f"{work}/inventory.toml", "w") as f:
            f.write(f'ssh_config = "{work}/ssh_config"\n')
            for name, roles in (("h1", '["one", "both"]'), ("h2", '["both"]')):
                f.write(f'[hosts."{name}"]\nroles = {roles}\naddress = "127.0.0.1"\nport = {port}\n'
                        f'user = "{user}"\nidentity_file = "{work}/id"\n')

        def knife(query, command):
            return [binary, "--inventory", f"{work}/inventory.toml", "-c", f"knife ssh {query} '{command}'"]

        for query, hosts in (("roles:one", 1), ("roles:both", 2)):
            size = output_size(knife(query, f"cat {blob}"))
            if size != hosts * (50 * (1 << 20) + len("h1 ") + 1):
                raise SystemExit(f"bench: knife ssh {query} printed {size} bytes, not {hosts} 50 MB lines behind their prefixes")
        ssh = ["ssh", "-F", f"{work}/ssh_config", "-i", f"{work}/id", "-p", str(port), "-o", "BatchMode=yes",
               f"{user}@127.0.0.1", f"cat {blob}"]
        peer, _ = timed(ssh, runs=3)
        _, small = timed(knife("roles:one", "echo x"), runs=3)
        seconds, rss = timed(knife("roles:one", f"cat {blob}"), runs=3)
        print(f"one 50 MB line (binary) through knife ssh (median of 3)\t{seconds:.2f} s, max RSS {rss:.0f} MB\t"
              f"< {2 * peer:.2f} s (2 x ssh cat), RSS bounded by a chunk\t"
              f"ssh HOST cat: {peer:.2f} s; knife ssh 'echo x': max RSS {small:.0f} MB")
        # The second host's line waits for the first's: the gate's bound (1 MB, then a temp file).
        seconds, rss = timed(knife("roles:both", f"cat {blob}"), runs=3)
        print(f"two 50 MB lines at once, 2 hosts, through knife ssh (median of 3)\t{seconds:.2f} s, max RSS {rss:.0f} MB\t"
              f"RSS bounded by chunks, not lines\tknife ssh 'echo x': max RSS {small:.0f} MB")
    finally:
        daemon.terminate()
        daemon.wait()


try:
    guide_list()
    long_runbook()
    big_line()
finally:
    shutil.rmtree(work, ignore_errors=True)
