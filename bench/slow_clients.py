#!/usr/bin/env python3
"""GET /health latency while slow and idle clients hold connections.

Starts nothing: point it at a running server, e.g.

    target/release/restume serve --db "$(mktemp -d)/b.db" --bind 127.0.0.1:8090 &
    bench/slow_clients.py --url http://127.0.0.1:8090

It opens --slow connections that each announce a 100 000-byte login body
and trickle it one byte a second (a connection the server cuts off, with its
408 after 10 s, is opened again, so the pressure stays), and --idle
keep-alive connections that send one request each and then stay silent.
Then --parallel clients send `GET /health` one after another on keep-alive
connections for --seconds, and it prints p50/p99/max latency and the error
count (any answer but 200, or a failed connection). Python stdlib only;
about --slow + --idle + --parallel sockets; everything is closed at the end.
"""

import argparse
import select
import socket
import sys
import threading
import time
from urllib.parse import urlsplit

SLOW_HEAD = (
    b"POST /v1/auth/login HTTP/1.1\r\nHost: bench\r\n"
    b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
)
HEALTH = b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n"


def read_response(sock):
    """(status, body) of one response on a kept-alive connection."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before a response")
        buf += chunk
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(length - len(body))
        if not chunk:
            raise ConnectionError("closed inside a body")
        body += chunk
    return status, body


def connect(addr, timeout=10):
    sock = socket.create_connection(addr, timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class Slow:
    """The trickling connections, all served by one thread."""

    def __init__(self, addr, n):
        self.addr, self.n = addr, n
        self.socks = []
        self.cut_off = 0  # answered (408) or closed by the server
        self.stop = threading.Event()

    def open_one(self):
        sock = connect(self.addr)
        sock.sendall(SLOW_HEAD)
        return sock

    def start(self):
        self.socks = [self.open_one() for _ in range(self.n)]
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.wait(1.0):
            for i, sock in enumerate(self.socks):
                try:
                    readable, _, _ = select.select([sock], [], [], 0)
                    if readable:
                        raise ConnectionError("answered")
                    sock.send(b" ")
                except OSError:
                    self.cut_off += 1
                    sock.close()
                    try:
                        self.socks[i] = self.open_one()
                    except OSError:
                        pass

    def close(self):
        self.stop.set()
        self.thread.join()
        for sock in self.socks:
            sock.close()


def measure(addr, seconds, out, errors):
    deadline = time.monotonic() + seconds
    sock = None
    while time.monotonic() < deadline:
        try:
            if sock is None:
                sock = connect(addr, timeout=5)
            started = time.perf_counter()
            sock.sendall(HEALTH)
            status, _ = read_response(sock)
            out.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
        except OSError as e:
            errors.append(repr(e))
            if sock is not None:
                sock.close()
            sock = None
    if sock is not None:
        sock.close()


def percentile(sorted_values, p):
    k = min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8090")
    ap.add_argument("--slow", type=int, default=200, help="trickling body connections (200)")
    ap.add_argument("--idle", type=int, default=200, help="idle keep-alive connections (200)")
    ap.add_argument("--parallel", type=int, default=2, help="measuring clients (2)")
    ap.add_argument("--seconds", type=float, default=10, help="how long to measure (10)")
    args = ap.parse_args()
    url = urlsplit(args.url)
    addr = (url.hostname, url.port or 80)

    idle = []
    for _ in range(args.idle):
        sock = connect(addr)
        sock.sendall(HEALTH)
        status, _ = read_response(sock)
        if status != 200:
            sys.exit(f"an idle connection's request got {status}")
        idle.append(sock)
    slow = Slow(addr, args.slow)
    slow.start()
    time.sleep(1.5)  # the trickled bytes are flowing

    latencies, errors = [], []
    threads = [
        threading.Thread(target=measure, args=(addr, args.seconds, latencies, errors))
        for _ in range(args.parallel)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slow.close()
    for sock in idle:
        sock.close()

    if not latencies:
        sys.exit(f"no request answered; errors: {errors[:5]}")
    lat = sorted(latencies)
    ms = lambda s: f"{s * 1000:.2f} ms"
    print(
        f"{args.slow} slow + {args.idle} idle connections, {args.parallel} x GET /health "
        f"for {args.seconds:g} s: {len(lat)} requests ({len(lat) / args.seconds:.0f}/s), "
        f"p50 {ms(percentile(lat, 50))}, p99 {ms(percentile(lat, 99))}, max {ms(lat[-1])}, "
        f"errors {len(errors)}; slow connections cut off by the server: {slow.cut_off}"
    )
    if errors:
        print(f"first errors: {errors[:5]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
