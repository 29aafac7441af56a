"""What the dashboard suite's scenarios share: the server, the API client,
the watch on console errors and CSP violations, and small page helpers."""


import json
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
ARTIFACTS = os.path.join(TARGET, "browser-artifacts", "app")
SAMPLE = os.path.join(ROOT, "tests", "fixtures", "jsonresume", "sample.resume.json")
PASSWORD = "correct horse battery"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A refused request logs its own console line in Chromium; a scenario that
# provokes a refusal on purpose says which status it expects.
FAILED_LOAD = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")

results = []


def check(name, ok, detail=""):
    results.append((name, bool(ok)))
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)
    return ok


def api_call(base, method, path, body=None, token=None, key=None):
    """One API request: (status, parsed JSON) on 2xx, else (status, body text)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if key:
        req.add_header("X-API-Key", key)
    try:
        with urllib.request.urlopen(req) as r:
            text = r.read().decode()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, tmp, name, *extra):
        self.binary = binary
        self.db = os.path.join(tmp, f"{name}.db")
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [binary, "--db", self.db, "--bind", f"127.0.0.1:{port}", "--bcrypt-cost", "4",
             "--limit-public", "10000:1000/s", "--limit-jwt", "10000:1000/s", "--limit-register", "1000:1000/s",
             "--limit-login-ip", "1000:1000/s", "--limit-login-account", "1000:1000/s",
             *(a.replace("{base}", self.base) for a in extra)],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(ARTIFACTS, f"server-{name}.log"), "w"))
        for _ in range(100):
            try:
                urllib.request.urlopen(self.base + "/health")
                return
            except Exception:
                time.sleep(0.1)
        raise SystemExit("the server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)

    def call(self, method, path, body=None, token=None, key=None):
        return api_call(self.base, method, path, body, token, key)

    def user(self, username, full_name):
        self.call("POST", "/v1/auth/register", {"username": username, "email": f"{username}@example.com",
                                                 "password": PASSWORD, "full_name": full_name})
        return self.login(username)

    def login(self, username, password=PASSWORD):
        status, answer = self.call("POST", "/v1/auth/login", {"username": username, "password": password})
        assert status == 200, answer
        return answer["access_token"]

    def admin(self, *args):
        out = subprocess.run([self.binary, "admin", *args, "--db", self.db], capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"admin {args}: {out.stderr}")
        return out.stdout


class Watch:
    """Console errors, page errors and CSP violations of every page of a context."""

    def __init__(self, ctx, label):
        self.label = label
        self.errors = []
        self.allowed = set()
        ctx.add_init_script("""document.addEventListener('securitypolicyviolation',
            e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));""")
        ctx.on("page", self.attach)

    def attach(self, page):
        page.on("console", self.console)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))

    def console(self, m):
        if m.type != "error":
            return
        failed = FAILED_LOAD.search(m.text)
        if failed and int(failed.group(1)) in self.allowed:
            return
        self.errors.append(f"console: {m.text}")

    def expect(self, *statuses):
        self.allowed = set(statuses)

    def done(self):
        check(f"{self.label}: no console error, page error or CSP violation", not self.errors, self.errors[:5])


def shot(page, name):
    page.screenshot(path=os.path.join(ARTIFACTS, f"{name}.png"), full_page=True)


def goto(page, base, path):
    page.goto(base + path)
    page.wait_for_selector("main h1")
    page.wait_for_selector("main .loading", state="detached")


def no_scroll(page, label):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    check(f"{label}: no horizontal scroll", overflow <= 0, f"{overflow}px wider")


def sign_in(page, base, username, password=PASSWORD):
    page.goto(base + "/app/signin")
    page.fill("#signin [name=username]", username)
    page.fill("#signin [name=password]", password)
    page.click("#signin button[type=submit]")
    page.wait_for_url(re.compile(r"/app(?!/signin)"))
    page.wait_for_selector("main h1")


def field_error(page, form, field):
    return page.inner_text(f"{form} [data-error-for=\"{field}\"]")


def token_of(page):
    return page.evaluate("() => JSON.parse(sessionStorage.getItem('restume.session')).token")


def fill(page, form, values):
    """Types values into a form of the dashboard: lists one a line, booleans as checkboxes."""
    for name, v in values.items():
        sel = f"{form} [name=\"{name}\"]"
        if isinstance(v, bool):
            page.set_checked(sel, v)
        elif isinstance(v, list):
            page.fill(sel, "\n".join(v))
        elif page.get_attribute(sel, "type") is None and page.evaluate(
                f"() => document.querySelector('{form} [name=\"{name}\"]').tagName") == "SELECT":
            page.select_option(sel, v)
        else:
            page.fill(sel, str(v))


def doc_shot(page, docs, name):
    """A small PNG for the README (640 px wide, 64 colours)."""
    if not docs:
        return
    import io
    from PIL import Image
    os.makedirs(docs, exist_ok=True)
    png = page.screenshot()
    img = Image.open(io.BytesIO(png)).convert("RGB")
    img = img.resize((img.width // 2, img.height // 2), Image.LANCZOS).quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    img.save(os.path.join(docs, f"{name}.png"), optimize=True)
