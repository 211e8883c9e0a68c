"""A `psql` stand-in that lets WAL-E 1.1.1's `backup-push` work on PostgreSQL 15.

WAL-E starts a backup with one psql call (`pg_start_backup(label)`), uploads
the data directory, then stops it with another (`pg_stop_backup()`): the
exclusive backup API, removed in PostgreSQL 15. Its replacement,
`pg_backup_start(label, fast)` / `pg_backup_stop()`, must run in ONE session,
and the backup_label it returns at the stop has to end up in the restored
data directory.

So for those two queries (the exact text is in wal_e/worker/pg/psql_worker.py):
  start: fork a helper that opens a session, runs pg_backup_start and keeps
         the session open, waiting on a Unix socket; answer WAL-E with the
         start segment/offset it asked for (CSV, as psql's COPY would print).
  stop:  ask the helper to run pg_backup_stop in that session, store the
         returned backup_label (and tablespace_map, if any) in the backup as
         one more tar partition (part_NNNNNNNN.tar.lzo, which backup-fetch
         extracts like the others), and answer with the stop segment/offset.
Every other call is passed to the real psql unchanged.
"""
import io
import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import time
from urllib.parse import urlparse

REAL_PSQL = '/usr/bin/psql'
STATE_DIR = os.environ.get('LAB_BACKUP_STATE', '/tmp')
SOCK = os.path.join(STATE_DIR, 'backup-session.sock')
HELPER_LOG = os.path.join(STATE_DIR, 'backup-session.log')
# The helper never outlives a forgotten backup by more than this.
HELPER_TIMEOUT = 1800

START_SQL = ("SELECT file_name, lpad(file_offset::text, 8, '0') AS file_offset "
             "FROM pg_walfile_name_offset(pg_backup_start(%s, true))")
STOP_SQL = ("SELECT s.labelfile, s.spcmapfile, w.file_name, "
            "lpad(w.file_offset::text, 8, '0') AS file_offset "
            "FROM pg_backup_stop(true) s, pg_walfile_name_offset(s.lsn) w")


def csv_answer(file_name, file_offset):
    sys.stdout.write('file_name,file_offset\n%s,%s\n' % (file_name, file_offset))
    sys.stdout.flush()


def start(label):
    import psycopg2  # only here: plain psql calls must not need it
    rd, wr = os.pipe()
    pid = os.fork()
    if pid:  # parent: relay the helper's answer to WAL-E
        os.close(wr)
        with os.fdopen(rd) as r:
            answer = r.read()
        if not answer.startswith('ok '):
            sys.stderr.write('lab psql: pg_backup_start failed: %s\n' % answer)
            sys.exit(1)
        csv_answer(*answer.split()[1:3])
        return
    # helper: detach from WAL-E's pipes (it waits for EOF on our stdout)
    os.close(rd)
    os.setsid()
    with open(os.path.join(STATE_DIR, 'backup-session.pid'), 'w') as f:
        f.write('%d\n' % os.getpid())
    devnull = os.open(os.devnull, os.O_RDWR)
    logfd = os.open(HELPER_LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(devnull, 0)
    os.dup2(logfd, 1)
    os.dup2(logfd, 2)
    w = os.fdopen(wr, 'w')
    try:
        if os.path.exists(SOCK):
            os.unlink(SOCK)
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(SOCK)
        srv.listen(1)
        srv.settimeout(HELPER_TIMEOUT)
        conn = psycopg2.connect(dbname='postgres')  # libpq env: PGHOST, PGPORT, PGUSER
        conn.autocommit = True
        cur = conn.cursor()
        cur.execute(START_SQL, (label,))
        file_name, file_offset = cur.fetchone()
        w.write('ok %s %s' % (file_name, file_offset))
        w.close()
    except Exception as e:  # noqa: BLE001 - report anything to WAL-E's side
        w.write('error %r' % (e,))
        w.close()
        os._exit(1)
    try:
        client, _ = srv.accept()
        with client:
            client.recv(16)
            cur.execute(STOP_SQL)
            labelfile, spcmapfile, stop_name, stop_offset = cur.fetchone()
            client.sendall(json.dumps({
                'start': [file_name, file_offset], 'stop': [stop_name, stop_offset],
                'labelfile': labelfile, 'spcmapfile': spcmapfile}).encode())
    finally:
        srv.close()
        os.unlink(SOCK)
        conn.close()
        os.unlink(os.path.join(STATE_DIR, 'backup-session.pid'))
    os._exit(0)


def stop():
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(int(os.environ.get('LAB_BACKUP_STOP_TIMEOUT', '300')))
    c.connect(SOCK)
    c.sendall(b'stop')
    data = b''
    while True:
        chunk = c.recv(65536)
        if not chunk:
            break
        data += chunk
    info = json.loads(data)
    store_label(info)
    csv_answer(*info['stop'])


def store_label(info):
    """Add backup_label (+ tablespace_map) as the backup's last tar partition."""
    prefix = urlparse(os.environ['WALE_FILE_PREFIX']).path.rstrip('/')
    parts = '%s/basebackups_005/base_%s_%s/tar_partitions' % (prefix, *info['start'])
    numbers = [int(m.group(1)) for m in
               (re.match(r'part_(\d+)\.tar\.lzo$', f) for f in os.listdir(parts)) if m]
    target = os.path.join(parts, 'part_%08d.tar.lzo' % (max(numbers, default=-1) + 1))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode='w') as tar:
        for name, text in (('backup_label', info['labelfile']),
                           ('tablespace_map', info['spcmapfile'])):
            if text:
                data = text.encode()
                ti = tarfile.TarInfo(name)
                ti.size, ti.mode, ti.mtime = len(data), 0o600, int(time.time())
                tar.addfile(ti, io.BytesIO(data))
    tmp = os.path.join(parts, '.backup_label.tmp')  # not part_*: never listed
    with open(tmp, 'wb') as out:
        subprocess.run(['lzop', '-c'], input=buf.getvalue(), stdout=out, check=True)
    os.rename(tmp, target)


def main():
    args = sys.argv[1:]
    query = args[args.index('-c') + 1] if '-c' in args[:-1] else ''
    m = re.search(r"pg_start_backup\('([^']*)'\)", query)
    if m:
        start(m.group(1))
    elif 'pg_stop_backup(' in query:
        stop()
    else:
        os.execv(REAL_PSQL, [REAL_PSQL] + args)


if __name__ == '__main__':
    main()
