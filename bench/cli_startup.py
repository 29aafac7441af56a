#!/usr/bin/env python3
"""Start-up of an owner-CLI command: from spawning `restume` to the first
byte of its request reaching a server.

A tiny TCP listener on 127.0.0.1 stands in for the server: it timestamps the
first byte it receives from each run, then closes the connection (so the
client exits with its "cannot reach" error, which is not measured). Two
commands are timed, each RUNS times (default 20), and a spawn of /bin/true
in the same run gives the machine's own process start-up for comparison:

  search x   a public command: no credential file read
  whoami     an owner command: reads the stored credential (a JWT that
             needs no refresh) from a temporary XDG_CONFIG_HOME

Usage: bench/cli_startup.py [PATH_TO_RESTUME] [RUNS]
(default target/release/restume, 20). Prints medians, min and max in ms.
"""

import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def fake_jwt():
    # The client reads iat/exp to decide on a refresh and never checks the
    # signature itself; the listener here is not a server anyway.
    def part(obj):
        raw = json.dumps(obj).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"sub": "x", "username": "bench", "iat": now, "exp": now + 3600}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.sig"


def time_once(listener, argv, env):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    conn, _ = listener.accept()
    conn.recv(1)
    elapsed = time.perf_counter() - start
    conn.close()
    proc.wait(timeout=30)
    return elapsed * 1000


def time_true(runs):
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(["/bin/true"], check=True)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/restume"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(30)
    server = f"http://127.0.0.1:{listener.getsockname()[1]}"
    with tempfile.TemporaryDirectory() as home:
        config = os.path.join(home, "restume")
        os.makedirs(config, mode=0o700)
        path = os.path.join(config, "credentials.json")
        with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            json.dump({"default_server": server, "servers": {server: {
                "username": "bench", "type": "jwt", "token": fake_jwt()}}}, f)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": home,
               "XDG_CONFIG_HOME": home, "RESTUME_SERVER": server}
        results = {
            "/bin/true (spawn only)": time_true(runs),
            "restume search x": [time_once(listener, [binary, "search", "x"], env)
                                 for _ in range(runs)],
            "restume whoami": [time_once(listener, [binary, "whoami"], env)
                               for _ in range(runs)],
        }
    print(f"{os.path.basename(binary)}: spawn to first byte sent, {runs} runs (ms)")
    print(f"{'command':<26}{'median':>8}{'min':>8}{'max':>8}")
    for name, values in results.items():
        print(f"{name:<26}{statistics.median(values):>8.2f}"
              f"{min(values):>8.2f}{max(values):>8.2f}")


if __name__ == "__main__":
    main()
