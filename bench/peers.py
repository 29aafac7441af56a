#!/usr/bin/env python3
"""RESTume against its peers (python3 stdlib only). Started by `bench/run --peers`.

    python3 bench/peers.py <repo root> <fresh temporary directory>

Seeds RESTume as bench.py does, copies the same public renderings into
PocketBase (a public collection, through its own API) and into files that
nginx serves, then runs the same wrk scenarios against the three, interleaved
over BENCH_ROUNDS rounds, and prints one table of medians (also written to
bench/out/peers.md and peers.json). Needs RESTUME_POCKETBASE (the binary,
bench/run installs it) and nginx. Progress goes to stderr, the table to stdout.
"""

import os
import sys

# Defaults of the peers run, set before bench.py reads them: shorter
# scenarios (there are three servers and three rounds of each), and enough
# write users that every round's skill writes fit (a user takes ~92 more).
os.environ.setdefault("BENCH_SECONDS", "5")
_SECONDS = int(os.environ["BENCH_SECONDS"]) if os.environ["BENCH_SECONDS"].isdigit() else 5
_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3") or 3)
os.environ.setdefault("BENCH_WRITE_USERS", str(max(2000, 200 * _SECONDS * _ROUNDS)))
sys.dont_write_bytecode = True

import http.client  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import bench as B  # noqa: E402

ROUNDS = B.env_int("BENCH_ROUNDS", 3)
PB_BIN = os.environ.get("RESTUME_POCKETBASE", "")
PB_VERSION = os.environ.get("RESTUME_POCKETBASE_VERSION", "")
PB_EMAIL = "bench@example.com"
# A throwaway superuser of a throwaway database on loopback, gone with TMP.
PB_PASSWORD = "bench-superuser-" + os.urandom(8).hex()
PB_BATCH = 100  # records per /api/batch request while importing
PROBES = 50  # writes per server and kind checked one by one in the next read

NAMES = ["RESTume", "PocketBase", "nginx"]


def pb_id(i):
    """PocketBase record ids are 15 characters of [a-z0-9]; ours say whose."""
    return f"bench{i:010d}"


# --------------------------------------------------------------------------
# the peers


def raw_get(port, path, headers=None):
    """One GET on a fresh connection: (status, body bytes)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def wait_for(port, path, proc, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            if raw_get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} not ready after {timeout} s")


class PocketBase:
    """PocketBase with its defaults (request logs on, rate limits off)."""

    def __init__(self, binary):
        self.dir = os.path.join(B.TMP, "pb_data")
        subprocess.run([binary, "superuser", "upsert", PB_EMAIL, PB_PASSWORD, "--dir", self.dir],
                       check=True, stdin=subprocess.DEVNULL, capture_output=True)
        self.port = B.free_port()
        self.log = open(os.path.join(B.TMP, "pocketbase.log"), "ab")
        self.proc = subprocess.Popen([binary, "serve", "--http", f"127.0.0.1:{self.port}",
                                      "--dir", self.dir],
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        B.record_pid(self.proc.pid)
        self.base = f"http://127.0.0.1:{self.port}"
        wait_for(self.port, "/api/health", self.proc, "PocketBase")
        _, auth = B.Client(self.port).call(
            "POST", "/api/collections/_superusers/auth-with-password",
            {"identity": PB_EMAIL, "password": PB_PASSWORD})
        self.token = auth["token"]

    @property
    def pids(self):
        return [self.proc.pid]

    def call(self, method, path, body=None, ok=(200,)):
        return B.Client(self.port).call(method, path, body, token=self.token, ok=ok)

    def setup(self, renderings):
        """The collections, batch requests on, and every rendering as a record."""
        self.call("PATCH", "/api/settings",
                  {"batch": {"enabled": True, "maxRequests": PB_BATCH, "timeout": 60,
                             "maxBodySize": 64 << 20}})
        _, profiles = self.call("POST", "/api/collections", {
            "name": "profiles", "type": "base", "listRule": "", "viewRule": "",
            "fields": [{"name": "username", "type": "text", "required": True},
                       {"name": "headline", "type": "text"},
                       {"name": "profile", "type": "json", "maxSize": 4 << 20}],
            "indexes": ["CREATE UNIQUE INDEX idx_profiles_username ON profiles (username)"]})
        self.call("POST", "/api/collections", {
            "name": "skills", "type": "base", "listRule": "", "viewRule": "",
            "fields": [{"name": "profile", "type": "relation", "collectionId": profiles["id"],
                        "maxSelect": 1, "required": True, "cascadeDelete": True},
                       {"name": "name", "type": "text", "required": True},
                       {"name": "level", "type": "text"},
                       {"name": "years", "type": "number"},
                       {"name": "category", "type": "text"},
                       {"name": "keywords", "type": "json"}]})
        c = B.Client(self.port)
        for start in range(0, len(renderings), PB_BATCH):
            reqs = [{"method": "POST", "url": "/api/collections/profiles/records",
                     "body": {"id": pb_id(i), "username": B.username(i),
                              "headline": (doc.get("profile") or {}).get("headline") or "",
                              "profile": doc}}
                    for i, doc in enumerate(renderings[start:start + PB_BATCH], start)]
            _, out = c.call("POST", "/api/batch", {"requests": reqs}, token=self.token)
            bad = [r for r in out if r.get("status") != 200]
            if bad:
                raise RuntimeError(f"PocketBase import: {bad[0]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class StaticNginx:
    """nginx serving the renderings as files under the same paths as RESTume."""

    def __init__(self, binary, files):
        d = self.dir = os.path.join(B.TMP, "static")
        www = os.path.join(d, "www")
        os.makedirs(os.path.join(www, "v1", "profiles"))
        for rel, data in files.items():
            with open(os.path.join(www, rel), "wb") as f:
                f.write(data)
        # run as root, nginx's workers are `nobody`: they must read the files
        os.chmod(B.TMP, 0o711)
        for root, dirs, names in os.walk(d):
            os.chmod(root, 0o755)
            for n in names:
                os.chmod(os.path.join(root, n), 0o644)
        self.port = B.free_port()
        with open(os.path.join(d, "nginx.conf"), "w") as f:
            f.write(f"""daemon off;
worker_processes auto;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 4096; }}
http {{
  access_log {d}/access.log combined buffer=64k;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  types {{ }}
  default_type application/json;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 1000000;
  open_file_cache max=20000 inactive=120s; open_file_cache_valid 120s;
  server {{
    listen 127.0.0.1:{self.port} reuseport backlog=4096;
    root {www};
  }}
}}
""")
        self.proc = subprocess.Popen([binary, "-c", os.path.join(d, "nginx.conf"), "-p", d,
                                      "-e", os.path.join(d, "error.log")],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        B.record_pid(self.proc.pid)
        self.base = f"http://127.0.0.1:{self.port}"
        try:
            wait_for(self.port, "/health", self.proc, "nginx", timeout=10)
        except RuntimeError:
            with open(os.path.join(d, "error.log")) as f:
                raise RuntimeError(f"nginx did not start: {f.read()[-2000:]}")

    @property
    def pids(self):
        """The master and its workers."""
        out = [self.proc.pid]
        for p in os.listdir("/proc"):
            if p.isdigit():
                try:
                    with open(f"/proc/{p}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                            out.append(int(p))
                except (OSError, ValueError, IndexError):
                    pass
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        errors = [line for line in open(os.path.join(self.dir, "error.log"), errors="replace")
                  if "[error]" in line or "[crit]" in line or "[alert]" in line]
        if errors:
            B.progress(f"nginx logged {len(errors)} errors, the last: {errors[-1].strip()}")


# --------------------------------------------------------------------------
# scenarios


def pids_of(server):
    return server.pids if hasattr(server, "pids") else [server.pid]


def rss_kb(pids, field="VmRSS"):
    return sum(B.read_status_kb(p, field) or 0 for p in pids)


def children_cpu():
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(name, server, cmd, sample_rss=False):
    # CPU time per answer: on a shared machine it moves far less with the
    # noise than req/s does (the other work takes turns, not our cycles)
    pids = pids_of(server)
    cpu0, wrk0 = B.cpu_seconds(pids), children_cpu()
    peak = [0, 0, 0]  # VmRSS, and its RssAnon and RssFile parts, at the peak
    stop = threading.Event()
    th = None
    if sample_rss:
        pids = pids_of(server)

        def sampler():
            while not stop.is_set():
                v = rss_kb(pids)
                if v > peak[0]:
                    peak[:] = [v, rss_kb(pids, "RssAnon"), rss_kb(pids, "RssFile")]
                stop.wait(0.2)

        th = threading.Thread(target=sampler, daemon=True)
        th.start()
    try:
        res = B.run_wrk(cmd, B.SECONDS)
    finally:
        stop.set()
        if th:
            th.join()
    if res["requests"]:
        # nginx's workers: the same processes as at the start, still alive
        res["cpu_us"] = (B.cpu_seconds(pids) - cpu0) / res["requests"] * 1e6
        res["wrk_cpu_us"] = (children_cpu() - wrk0) / res["requests"] * 1e6
    if sample_rss:
        res["rss_max_kb"], res["rss_anon_kb"], res["rss_file_kb"] = peak
        res["vmhwm_kb"] = rss_kb(pids_of(server), "VmHWM")
    B.progress(f"  {name}: {B.fmt_rps(res['rps'])} req/s, p50 {B.fmt_ms(res['p50'])}, "
               f"p99 {B.fmt_ms(res['p99'])}, errors {B.fmt_errors(res)}, "
               f"CPU {B.fmt_us(res.get('cpu_us'))}/req (wrk {B.fmt_us(res.get('wrk_cpu_us'))})"
               + (f", RSS max {res['rss_max_kb'] / 1000:.1f} MB" if sample_rss else ""))
    return res


def reads(targets, conns=B.CONNS):
    """wrk commands of the same random-path script for each server."""
    return {n: B.wrk_cmd(t["base"], B.SECONDS, conns=conns, script="public.lua",
                         script_args=[t["names"], t["prefix"]]) for n, t in targets.items()}


def writes(targets, kind, tag):
    return {n: B.wrk_cmd(t["base"], B.SECONDS, script="peer_writes.lua",
                         script_args=[t["file"], t[kind]["method"], t[kind]["path"],
                                      t[kind]["body"], str(B.WRK_THREADS), tag])
            for n, t in targets.items()}


def interleave(R, key, label, rounds_cmds, servers, sample_rss=False):
    """Each round runs every server once, in the same order."""
    R[key] = {n: [] for n in rounds_cmds(0)}
    for r in range(ROUNDS):
        cmds = rounds_cmds(r)
        for n, cmd in cmds.items():
            B.progress(f"scenario {label}, round {r + 1}/{ROUNDS}: {n}, "
                       f"{cmd[cmd.index('-c') + 1]} connections, {B.SECONDS} s")
            R[key][n].append(run(f"{label} {n}", servers[n], cmd, sample_rss))


# --------------------------------------------------------------------------
# visibility: every write shows in the next public read


def skills_of(doc):
    """The skill rows of a RESTume public rendering."""
    for sec in doc.get("sections") or []:
        if sec.get("name") == "skills":
            return sec.get("items") or []
    return []


def check_restume(s, tokens, users, skill_201s):
    """Every skill written under load is in its owner's public rendering, and
    a probe of each kind is seen by the read right after it."""
    c = B.Client(s.port)
    total = 0
    for i in range(users):
        _, doc = c.call("GET", f"/v1/profiles/{B.username(i)}")
        total += len(skills_of(doc))
    expected = 8 * users + skill_201s
    missing = []
    for k in range(PROBES):
        i = k * (users // PROBES)
        value = f"probe {k} {time.time_ns()}"
        c.call("PATCH", "/v1/me/profile", {"headline": value}, token=tokens[i])
        _, doc = c.call("GET", f"/v1/profiles/{B.username(i)}")
        if (doc.get("profile") or {}).get("headline") != value:
            missing.append(f"headline of {B.username(i)}")
        c.call("POST", "/v1/me/skills", {"name": value, "category": "probe"},
               token=tokens[(i + 1) % users], ok=(201,))
        _, doc = c.call("GET", f"/v1/profiles/{B.username((i + 1) % users)}")
        if not any(sk.get("name") == value for sk in skills_of(doc)):
            missing.append(f"skill of {B.username((i + 1) % users)}")
    return {"skills_seen": total, "skills_expected": expected, "probes_missing": missing,
            "ok": total == expected and not missing}


def check_pocketbase(pb, users, skill_2xx):
    _, page = pb.call("GET", "/api/collections/skills/records?perPage=1&filter="
                      + "category%3D%27bench%27")
    total = page["totalItems"]
    missing = []
    for k in range(PROBES):
        i = k * (users // PROBES)
        value = f"probe {k} {time.time_ns()}"
        pb.call("PATCH", f"/api/collections/profiles/records/{pb_id(i)}", {"headline": value})
        _, doc = pb.call("GET", f"/api/collections/profiles/records/{pb_id(i)}")
        if doc.get("headline") != value:
            missing.append(f"headline of {pb_id(i)}")
        j = (i + 1) % users
        pb.call("POST", "/api/collections/skills/records",
                {"profile": pb_id(j), "name": value, "category": "probe"})
        _, doc = pb.call("GET", f"/api/collections/profiles/records/{pb_id(j)}"
                         "?expand=skills_via_profile")
        got = (doc.get("expand") or {}).get("skills_via_profile") or []
        if not any(sk.get("name") == value for sk in got):
            missing.append(f"skill of {pb_id(j)}")
    # wrk counts only the answers it read: the server may have taken a few more
    return {"skills_seen": total, "skills_expected": skill_2xx, "probes_missing": missing,
            "ok": total >= skill_2xx and not missing}


def settled_count(count, timeout=60.0):
    """`count()` once it stops moving: a write wrk gave up on (it stops at
    its duration, answered or not) may still be taken by the server after."""
    last = count()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = count()
        if now == last:
            return now
        B.progress(f"  the server is still taking writes: {now - last} more in 1 s")
        last = now
    return last


def checked(check, *args):
    """A check that could not finish fails, and the table is still printed."""
    try:
        return check(*args)
    except Exception as e:  # noqa: BLE001 — reported in the table
        return {"skills_seen": 0, "skills_expected": 0, "ok": False,
                "probes_missing": [f"check stopped: {e}"[:300]]}


# --------------------------------------------------------------------------
# the run


def main():
    import signal
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, lambda s, f: sys.exit(128 + s))
    if not PB_BIN or not os.path.exists(PB_BIN):
        sys.exit("RESTUME_POCKETBASE must name the PocketBase binary (bench/run --peers installs it)")
    nginx_bin = B.find_nginx()
    if not nginx_bin:
        sys.exit("nginx is missing (bench/run --peers installs it)")
    os.makedirs(B.OUT, exist_ok=True)
    servers = []
    R = {}
    try:
        db = os.path.join(B.TMP, "data", "restume.db")
        os.makedirs(os.path.dirname(db))
        B.progress(f"seeding {B.USERS} users; keeping {B.WRITE_USERS} JWTs for the writes")
        s = B.Server(db, 4, "seed")
        servers.append(s)
        s.wait_ready()
        seeded = B.seed(s)
        B.progress(f"seeded in {seeded['seconds']:.1f} s")
        s.stop()
        servers.remove(s)

        # the server under test: the same database, the default bcrypt cost
        s = B.Server(db, 12, "bench")
        servers.append(s)
        s.wait_ready()
        t = time.monotonic()
        while B.stale_resumes(db) and time.monotonic() - t < 300:
            time.sleep(0.2)
        B.progress(f"RESTume up (pid {s.pid}); background refresh settled in "
                   f"{time.monotonic() - t:.1f} s")

        # the same bytes for the peers: RESTume's own public renderings
        t = time.monotonic()
        files = {}
        renderings = []
        for i in range(B.USERS):
            status, body = raw_get(s.port, f"/v1/profiles/{B.username(i)}")
            if status != 200:
                raise RuntimeError(f"GET /v1/profiles/{B.username(i)}: {status}")
            files[f"v1/profiles/{B.username(i)}"] = body
            renderings.append(json.loads(body))
        files["health"] = raw_get(s.port, "/health")[1]
        sizes = [len(b) for b in files.values()]
        B.progress(f"fetched {B.USERS} public renderings in {time.monotonic() - t:.1f} s "
                   f"(median {statistics.median(sizes):,.0f} bytes)")

        t = time.monotonic()
        pb = PocketBase(PB_BIN)
        servers.append(pb)
        pb.setup(renderings)
        B.progress(f"PocketBase {PB_VERSION} up (pid {pb.proc.pid}); imported {B.USERS} "
                   f"records in {time.monotonic() - t:.1f} s")
        del renderings
        ng = StaticNginx(nginx_bin, files)
        servers.append(ng)
        del files
        B.progress(f"nginx up (pid {ng.proc.pid}) serving the same bytes as files")
        by_name = dict(zip(NAMES, [s, pb, ng]))

        users_file = os.path.join(B.TMP, "usernames.txt")
        ids_file = os.path.join(B.TMP, "pb_ids.txt")
        with open(ids_file, "w") as f:
            f.write("\n".join(pb_id(i) for i in range(B.USERS)) + "\n")
        W = B.WRITE_USERS
        with open(os.path.join(B.TMP, "tokens.txt")) as f:
            tokens = [line.strip() for line in f if line.strip()]
        r_file = os.path.join(B.TMP, "restume_writes.txt")
        with open(r_file, "w") as f:
            f.write("".join(f"Bearer {tok}\t{B.username(i)}\n" for i, tok in enumerate(tokens)))
        p_file = os.path.join(B.TMP, "pb_writes.txt")
        with open(p_file, "w") as f:
            f.write("".join(f"Bearer {pb.token}\t{pb_id(i)}\n" for i in range(W)))
        skill = ('{"name":"wrk {tag} t{t} n{n}","level":"{level}","years":{years},'
                 '"category":"bench","keywords":["load","test"]}')
        targets = {
            "RESTume": {"base": s.base, "names": users_file, "prefix": "/v1/profiles/",
                        "health": "/health", "file": r_file,
                        "patch": {"method": "PATCH", "path": "/v1/me/profile",
                                  "body": '{"headline":"wrk {tag} t{t} n{n}"}'},
                        "post": {"method": "POST", "path": "/v1/me/skills", "body": skill}},
            "PocketBase": {"base": pb.base, "names": ids_file,
                           "prefix": "/api/collections/profiles/records/",
                           "health": "/api/health", "file": p_file,
                           "patch": {"method": "PATCH",
                                     "path": "/api/collections/profiles/records/{id}",
                                     "body": '{"headline":"wrk {tag} t{t} n{n}"}'},
                           "post": {"method": "POST", "path": "/api/collections/skills/records",
                                    "body": skill.replace('{"name"', '{"profile":"{id}","name"')}},
            "nginx": {"base": ng.base, "names": users_file, "prefix": "/v1/profiles/",
                      "health": "/health"},
        }
        writers = {n: t for n, t in targets.items() if "file" in t}

        B.progress(f"warm-up: {B.WARMUP} s of public reads on each server")
        for n, cmd in reads(targets).items():
            B.run_wrk(cmd[:cmd.index("-d") + 1] + [f"{B.WARMUP}s"] + cmd[cmd.index("-d") + 2:],
                      B.WARMUP)

        interleave(R, "reads", "1 reads", lambda r: reads(targets), by_name)
        # /health through the same random-path script as the reads (a list
        # of one path), so the load generator costs the servers' two cores
        # as much as in the reads
        for n, t in targets.items():
            t["health_names"] = os.path.join(B.TMP, f"health-{n}.txt")
            with open(t["health_names"], "w") as f:
                f.write(t["health"].lstrip("/") + "\n")
        interleave(R, "health", "2 health",
                   lambda r: {n: B.wrk_cmd(t["base"], B.SECONDS, script="public.lua",
                                           script_args=[t["health_names"], "/"])
                              for n, t in targets.items()}, by_name)
        interleave(R, "big", f"4 reads@{B.BIG_CONNS}",
                   lambda r: reads(targets, B.BIG_CONNS), by_name, sample_rss=True)
        # the writes last: they change what the reads would fetch
        run_tag = str(int(time.time()))
        interleave(R, "patch", "3a profile writes",
                   lambda r: writes(writers, "patch", f"{run_tag}r{r}"), by_name)
        s.reset_log()
        interleave(R, "post", "3b skill writes",
                   lambda r: writes(writers, "post", f"{run_tag}r{r}"), by_name)
        created = settled_count(lambda: sum(
            n for (m, p, st), n in s.statuses().items()
            if m == "POST" and p == "/v1/me/skills" and st == 201))
        pb_2xx = sum(x["requests"] - x["non2xx"] for x in R["post"]["PocketBase"])
        B.progress("checking that every write shows in the next public read")
        R["visible"] = {"RESTume": checked(check_restume, s, tokens, W, created),
                        "PocketBase": checked(check_pocketbase, pb, W, pb_2xx)}
        for n, v in R["visible"].items():
            B.progress(f"  {n}: {v['skills_seen']} bench skills seen, {v['skills_expected']} "
                       f"expected; probes missing: {v['probes_missing'] or 'none'}")
        R["meta"] = {"users": B.USERS, "seconds": B.SECONDS, "rounds": ROUNDS,
                     "write_users": W, "threads": B.THREADS, "cores": os.cpu_count(),
                     "pocketbase": PB_VERSION, "nginx": nginx_version(nginx_bin),
                     "median_bytes": statistics.median(sizes)}
        report(R)
    finally:
        B.stop_wrks()
        for srv in reversed(servers):
            try:
                srv.stop()
            except Exception as e:  # keep stopping the others
                B.progress(f"stopping {srv}: {e}")


def nginx_version(binary):
    out = subprocess.run([binary, "-v"], capture_output=True, text=True).stderr
    return out.strip().split("/")[-1] if "/" in out else "?"


# --------------------------------------------------------------------------
# the table


def report(R):
    m = R["meta"]
    MB = 1_000_000
    rows = []
    labels = {"reads": "1 random public reads", "health": "2 health endpoint",
              "patch": "3a profile update (PATCH)", "post": "3b skill create (POST)",
              "big": f"4 random public reads, {B.BIG_CONNS} connections"}
    summary = {}
    for key in ("reads", "health", "patch", "post", "big"):
        per = R[key]
        rest = B.med(per["RESTume"], "rps")
        first = True
        for n in NAMES:
            if n not in per:
                continue
            runs = per[n]
            rps = B.med(runs, "rps")
            vals = [x["rps"] for x in runs if x.get("rps") is not None]
            spread = f"{B.fmt_rps(min(vals))}–{B.fmt_rps(max(vals))}" if vals else "—"
            errors = sum(x["errors"] for x in runs)
            ratio = "" if n == "RESTume" else B.ratio(rest, rps)
            rss = ""
            if key == "big":
                top = max(runs, key=lambda x: x.get("rss_max_kb") or 0)
                peak = top.get("rss_max_kb") or 0
                hwm = max(x.get("vmhwm_kb") or 0 for x in runs)
                rss = (f"{peak * 1024 / MB:.1f} MB (anon {(top.get('rss_anon_kb') or 0) * 1024 / MB:.1f}"
                       f", file {(top.get('rss_file_kb') or 0) * 1024 / MB:.1f}; "
                       f"VmHWM {hwm * 1024 / MB:.1f})")
                summary.setdefault("rss", {})[n] = peak * 1024 / MB
            rows.append([labels[key] if first else "", n, B.fmt_rps(rps), spread,
                         B.fmt_ms(B.med(runs, "p50")), B.fmt_ms(B.med(runs, "p99")), str(errors),
                         "" if ratio == "" else fmt_ratio(ratio),
                         f"{B.fmt_us(B.med(runs, 'cpu_us'))} ({B.fmt_us(B.med(runs, 'wrk_cpu_us'))})", rss])
            summary.setdefault(key, {})[n] = {"rps": rps, "p99": B.med(runs, "p99"),
                                              "errors": errors}
            first = False
    head = ["scenario", "server", "req/s (median)", f"spread ({m['rounds']} rounds)", "p50",
            "p99", "errors", "RESTume / this", "CPU per answer (wrk's)", "peak RSS"]

    def rps(key, n):
        return summary[key][n]["rps"]

    rd, h = summary["reads"], summary["health"]
    vis = R["visible"]
    rss = summary["rss"]
    checks = []

    def check(what, value, target, ok):
        checks.append((what, value, target, "✓" if ok else "✗"))

    r = B.ratio(rps("reads", "RESTume"), rps("reads", "PocketBase"))
    check("public reads RESTume / PocketBase", fmt_ratio(r), "≥ 4", r is not None and r >= 4)
    r = B.ratio(rps("reads", "RESTume"), rps("reads", "nginx"))
    check("public reads RESTume / nginx", fmt_ratio(r), "≥ 0.4", r is not None and r >= 0.4)
    r = B.ratio(rps("reads", "RESTume"), h["RESTume"]["rps"])
    check("RESTume public reads / its /health", fmt_ratio(r), "≥ 0.8", r is not None and r >= 0.8)
    p99 = rd["RESTume"]["p99"]
    check("RESTume public p99, 50 connections", B.fmt_ms(p99), "< 5 ms",
          p99 is not None and p99 < 5)
    for key, what in (("patch", "profile updates"), ("post", "skill creates")):
        r = B.ratio(rps(key, "RESTume"), rps(key, "PocketBase"))
        check(f"{what} RESTume / PocketBase", fmt_ratio(r), "≥ 6", r is not None and r >= 6)
    errs = sum(summary[k]["RESTume"]["errors"] for k in ("patch", "post"))
    check("RESTume write errors", str(errs), "0", errs == 0)
    v = vis["RESTume"]
    check("RESTume writes visible in the next public read",
          f"{v['skills_seen']}/{v['skills_expected']} skills, "
          f"{2 * PROBES - len(v['probes_missing'])}/{2 * PROBES} probes", "all", v["ok"])
    v = vis["PocketBase"]
    check("(PocketBase the same)",
          f"{v['skills_seen']} ≥ {v['skills_expected']} skills, "
          f"{2 * PROBES - len(v['probes_missing'])}/{2 * PROBES} probes", "all", v["ok"])
    r = B.ratio(rss["RESTume"], rss["PocketBase"])
    check(f"peak RSS at {B.BIG_CONNS} connections RESTume / PocketBase", fmt_ratio(r),
          "≤ 0.1", r is not None and r <= 0.1)
    check(f"RESTume peak RSS at {B.BIG_CONNS} connections", f"{rss['RESTume']:.1f} MB",
          "≤ 32 MB", rss["RESTume"] <= 32)

    passed = sum(1 for c in checks if c[3] == "✓")
    wall = time.time() - float(os.environ.get("BENCH_T0", B.T_START))
    note = (f"{passed}/{len(checks)} targets met. {m['users']} users (median rendering "
            f"{m['median_bytes']:,.0f} bytes), {m['rounds']} rounds of {m['seconds']} s per "
            f"server and scenario, interleaved; wrk {B.WRK_THREADS} threads, {B.CONNS} "
            f"connections unless said; writes spread over {m['write_users']} users; RESTume "
            f"--threads {m['threads']}, PocketBase {m['pocketbase']}, nginx {m['nginx']}; "
            f"{m['cores']} cores shared by the servers and wrk; wall time {wall:.0f} s. "
            f"p50/p99 are medians over the rounds, errors their sum; CPU per answer is the "
            f"server's user + system CPU time over the answers wrk counted (in brackets "
            f"wrk's own), median over the rounds; peak RSS the highest "
            f"VmRSS sampled every 0.2 s (nginx: master + workers). MB = 10^6 bytes.")
    out = table(head, rows) + [""] + table(["target", "value", "aim", ""], checks, groups=False)
    print("\n".join(out))
    print(note, flush=True)
    md = ["# RESTume against its peers", "",
          f"Run {time.strftime('%Y-%m-%d %H:%M:%S %Z')} on {m['cores']} cores "
          f"(`{os.uname().sysname} {os.uname().release}`).", ""]
    md += md_table(head, rows) + [""] + md_table(["target", "value", "aim", ""], checks)
    md += ["", note, ""]
    with open(os.path.join(B.OUT, "peers.md"), "w") as f:
        f.write("\n".join(md))
    slim = {k: ({n: [{kk: vv for kk, vv in x.items() if kk != "raw"} for x in runs]
                 for n, runs in v.items()} if k in labels else v) for k, v in R.items()}
    with open(os.path.join(B.OUT, "peers.json"), "w") as f:
        json.dump(slim, f, indent=2)
    with open(os.path.join(B.OUT, "peers-wrk-raw.txt"), "w") as f:
        for k in labels:
            for n, runs in R[k].items():
                for i, x in enumerate(runs):
                    f.write(f"===== {k} {n} round {i + 1}\n{x['raw']}\n")
    B.progress(f"wrote {os.path.relpath(os.path.join(B.OUT, 'peers.md'), B.ROOT)}")


def fmt_ratio(v):
    if v is None:
        return "—"
    return f"{v:.2f}" if v >= 0.1 else f"{v:.3f}"


def table(head, rows, groups=True):
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    out = [line, "  ".join(str(x).ljust(w) for x, w in zip(head, widths)).rstrip(), line]
    for r in rows:
        if groups and r[0] and len(out) > 3:
            out.append("")
        out.append("  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip())
    out.append(line)
    return out


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        out.append("| " + " | ".join(str(x).replace("|", "\\|") for x in r) + " |")
    return out


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
