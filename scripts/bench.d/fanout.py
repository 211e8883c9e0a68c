#!/usr/bin/env python3
"""Fan-out rows for make bench: `knife ssh QUERY 'sleep 1'` to 3 and 30 real
sshd hosts on loopback, cold (a new shell, so new connections) and warm (the
same shell's second run, over its multiplexed connections), with
parallel-ssh on the same hosts in the same run. Prints tab-separated rows."""
import os, re, shutil, socket, statistics, subprocess, sys, tempfile, time

binary = sys.argv[1]
work = tempfile.mkdtemp(prefix="opsshell-bench-")
os.chmod(work, 0o755)
# Log in as an ordinary user: root's .bashrc on this image runs `pyenv init`
# for every ssh command (~90 ms; Debian's bash reads .bashrc under sshd),
# which would measure the image, not the shell. /etc/skel's .bashrc returns
# at once when not interactive, as most users' do.
user = "opsshell-bench"
if os.geteuid() == 0 and subprocess.run(["id", user], capture_output=True).returncode != 0:
    subprocess.run(["useradd", "-m", "-s", "/bin/bash", user], check=True)
    # A new account is locked ("!"), and sshd without PAM refuses locked
    # accounts; "*" is "no password" without the lock.
    subprocess.run(["usermod", "-p", "*", user], check=True)
if os.geteuid() != 0:
    user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
os.makedirs("/run/sshd", exist_ok=True)
subprocess.run(f"ssh-keygen -q -t ed25519 -N '' -f {work}/host_key && ssh-keygen -q -t ed25519 -N '' -f {work}/id "
               f"&& cp {work}/id.pub {work}/authorized_keys && chmod 644 {work}/authorized_keys", shell=True, check=True)
with open(f"{work}/ssh_config", "w") as f:
    f.write("Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ports = [free_port() for _ in range(30)]
daemons = []
for i, port in enumerate(ports):
    config = f"{work}/sshd_{i}.conf"
    with open(config, "w") as f:
        f.write(f"Port {port}\nListenAddress 127.0.0.1\nHostKey {work}/host_key\nAuthorizedKeysFile {work}/authorized_keys\n"
                f"PidFile {work}/sshd_{i}.pid\nStrictModes no\nUsePAM no\nPermitRootLogin yes\nPasswordAuthentication no\n"
                "MaxStartups 100\nMaxSessions 100\n")
    daemons.append(subprocess.Popen(["/usr/sbin/sshd", "-D", "-f", config], stderr=subprocess.DEVNULL))
for port in ports:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.02)

with open(f"{work}/inventory.toml", "w") as f:
    f.write(f'ssh_config = "{work}/ssh_config"\n')
    for i, port in enumerate(ports):
        role = "three" if i < 3 else "rest"
        f.write(f'[hosts."h{i:02d}"]\nroles = ["thirty", "{role}"]\naddress = "127.0.0.1"\nport = {port}\n'
                f'user = "{user}"\nidentity_file = "{work}/id"\n')


def summary_seconds(stderr, index):
    found = re.findall(r"hosts succeeded in ([0-9.]+) s", stderr)
    if len(found) <= index:
        raise SystemExit(f"bench: no summary in:\n{stderr[-2000:]}")
    return float(found[index])


def opsshell(role, runs):
    """Cold: wall time of a fresh shell's first fan-out. Warm: the same shell's
    second fan-out, from its own summary line."""
    cold, warm = [], []
    for _ in range(runs):
        start = time.monotonic()
        result = subprocess.run([binary, "--inventory", f"{work}/inventory.toml",
                                 "-c", f"knife ssh roles:{role} 'sleep 1'", "-c", f"knife ssh roles:{role} 'sleep 1'"],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"bench: opsshell failed: {result.stderr[-2000:]}")
        cold.append(summary_seconds(result.stderr, 0))
        warm.append(summary_seconds(result.stderr, 1))
    return statistics.median(cold), statistics.median(warm)


def handshake(runs=10):
    times = []
    for _ in range(runs):
        start = time.monotonic()
        subprocess.run(["ssh", "-F", f"{work}/ssh_config", "-i", f"{work}/id", "-p", str(ports[0]), "-o", "BatchMode=yes",
                        f"{user}@127.0.0.1", "true"], check=True)
        times.append(time.monotonic() - start)
    return statistics.median(times)


def plain_multiplexed(count, runs=5):
    """The floor for warm runs: OpenSSH alone, `sleep 1` on `count` hosts at
    once over already-open master connections, no shell around it."""
    base = ["ssh", "-F", f"{work}/ssh_config", "-i", f"{work}/id", "-o", "BatchMode=yes"]
    for i, port in enumerate(ports[:count]):
        subprocess.run(base + ["-p", str(port), "-o", "ControlMaster=yes", "-o", f"ControlPath={work}/floor{i}",
                               "-o", "ControlPersist=60", "-N", "-f", f"{user}@127.0.0.1"], check=True, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        start = time.monotonic()
        clients = [subprocess.Popen(base + ["-p", str(port), "-o", "ControlMaster=no", "-o", f"ControlPath={work}/floor{i}",
                                            f"{user}@127.0.0.1", "sleep 1"]) for i, port in enumerate(ports[:count])]
        for client in clients:
            client.wait()
        times.append(time.monotonic() - start)
    for i, port in enumerate(ports[:count]):
        subprocess.run(base + ["-p", str(port), "-o", f"ControlPath={work}/floor{i}", "-O", "exit", f"{user}@127.0.0.1"],
                       stderr=subprocess.DEVNULL)
    return statistics.median(times)


def pssh(count, runs=3):
    if not shutil.which("parallel-ssh"):
        return None
    with open(f"{work}/pssh_hosts_{count}", "w") as f:
        f.writelines(f"{user}@127.0.0.1:{port}\n" for port in ports[:count])
    times = []
    for _ in range(runs):
        start = time.monotonic()
        subprocess.run(["parallel-ssh", "-h", f"{work}/pssh_hosts_{count}", "-p", str(count), "-x", f"-F {work}/ssh_config -i {work}/id",
                        "-O", "BatchMode=yes", "sleep 1"], check=True, stdout=subprocess.DEVNULL)
        times.append(time.monotonic() - start)
    return statistics.median(times)


try:
    shake = handshake()
    print(f"one SSH handshake + `true` (ssh, median)\t{shake * 1000:.0f} ms\t\t")
    for count, role in ((3, "three"), (30, "thirty")):
        cold, warm = opsshell(role, runs=5)
        peer = pssh(count)
        peer_text = f"parallel-ssh {peer:.2f} s (opsshell cold is {peer / cold:.2f}x faster)" if peer else "parallel-ssh not installed"
        print(f"knife ssh 'sleep 1' to {count} hosts, cold\t{cold:.2f} s\t< {1.15 * (1 + shake):.2f} s (1.15 x (1 s + handshake))\t{peer_text}")
        floor = plain_multiplexed(count)
        print(f"knife ssh 'sleep 1' to {count} hosts, warm\t{warm:.2f} s\t< 1.05 s\tplain multiplexed ssh (the floor) {floor:.2f} s")
finally:
    for daemon in daemons:
        daemon.terminate()
        daemon.wait()
    shutil.rmtree(work, ignore_errors=True)
