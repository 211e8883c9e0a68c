#!/usr/bin/env bash
# Becomes one lab host's sshd, inside the host's own mount (and UTS)
# namespace. up.sh starts it as
#     setsid unshare -m -u --propagation private -- ns-init.sh HOSTDIR HOSTNAME
# so this process IS the host's sshd (exec below) and the namespace lives as
# long as it (or anything started from an ssh session, e.g. Patroni) does.
#
# What the host sees differently from the machine, and how, with nothing
# created or changed outside the lab directory:
#   /run                  a fresh tmpfs (own /run/sshd, /run/sudo, ...)
#   /etc /opt /var        overlays: the machine's directories read-through,
#   /usr/local            writes kept in a tmpfs upper layer under /run that
#                         vanishes with the namespace. HOSTDIR/fs/<dir> is
#                         copied into the upper layer first: /etc/wal-e.d/env,
#                         /opt/wal-e/bin/wal-e, /usr/local/bin/{systemctl,...}.
#   HOSTDIR/binds         "SOURCE TARGET" bind mounts on top, e.g. the host's
#                         data onto /var/opt/gitlab/postgresql; "tmpfs:SIZE
#                         TARGET" mounts a tmpfs (long-haul mode's pg_wal).
# Mount propagation is private, so none of this is seen by the machine.
set -euo pipefail
hostdir=$1
name=$2
lab_dir=$(cd "$(dirname "$0")/.." && pwd)

hostname "$name"

# Keep a handle on the real lab directory: if it lives under one of the
# overlaid trees (a clone in /opt or /var, say), writes through the overlay
# would land in the tmpfs. It is bound back on top after the overlays.
exec {lab}<"$lab_dir"
real=/proc/self/fd/$lab
rel_host=${hostdir#"$lab_dir"}

mount -t tmpfs -o mode=0755,size=64m lab-run /run
mkdir -m 0755 /run/sshd
mkdir -m 1777 /run/lock

for t in etc opt var usr/local; do
    layer=/run/.lab-overlay/${t//\//-}
    mkdir -p "$layer/upper" "$layer/work"
    if [[ -d $real$rel_host/fs/$t ]]; then
        cp -a "$real$rel_host/fs/$t/." "$layer/upper/"
    fi
    mount -t overlay "lab-${t//\//-}" -o "lowerdir=/$t,upperdir=$layer/upper,workdir=$layer/work" "/$t"
done

mkdir -p "$lab_dir"
mount --bind "$real" "$lab_dir"
exec {lab}<&-

if [[ -f $hostdir/binds ]]; then
    while read -r src dst; do
        [[ -z $src || $src == \#* ]] && continue
        [[ -e $dst ]] || mkdir -p "$dst"
        if [[ $src == tmpfs:* ]]; then   # "tmpfs:SIZE TARGET": a small filesystem of its own
            mount -t tmpfs -o "size=${src#tmpfs:},mode=0700" lab-pg_wal "$dst"
            chown gitlab-psql:gitlab-psql "$dst"
        else
            mount --bind "$src" "$dst"
        fi
    done <"$hostdir/binds"
fi

cd /
exec /usr/sbin/sshd -D -e -f "$hostdir/sshd_config"
