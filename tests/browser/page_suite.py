"""Browser suite for the public page /u/{username} (SPEC §4.2).

Starts the server on 127.0.0.1 with a fresh database, seeds a full profile
and a hostile one over the API, and for every theme checks, in Debian's
Chromium driven by Playwright:

- no console error, no page error, no CSP violation;
- the hostile profile runs no script (no dialog, no injected element);
- nothing wider than a 320 px phone; text contrast >= 4.5:1 on screen, light and dark; dark mode is dark;
- print media is black on white (terminal too), entries avoid page breaks;
- PDFs (A4, Letter): no entry is split across two pages, links keep hrefs;
- JSON-LD parses and names the Person;
- screenshots at 375 and 1280 px, light and dark, in target/browser-artifacts/;
- with --node DIR (node_modules holding axe-core and html-validate): axe finds
  no serious or critical violation (WCAG 2 A/AA and best practices, light and
  dark), and html-validate's recommended rules pass on every page and the 404.

Usage: page_suite.py BINARY [--docs DIR] [--node DIR]   (prints 'N passed, N failed')
"""

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from playwright.sync_api import sync_playwright

from app_common import api_call, check, free_port, results

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "browser-artifacts")
THEMES = ["classic", "minimal", "modern", "elegant", "terminal"]
PASSWORD = "correct horse battery"
HOSTILE = "\"><img src=x onerror=alert(1)><script>alert(2)</script>\u202e"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# A4 and Letter, less the @page margins of base.css (16 mm top/bottom, 15 mm sides)
PAPERS = {"A4": (210, 297), "Letter": (215.9, 279.4)}

class Api:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None, token=None):
        return api_call(self.base, method, path, body, token)

    def must(self, method, path, body=None, token=None, want=(200, 201)):
        status, answer = self.call(method, path, body, token)
        if status not in want:
            raise SystemExit(f"{method} {path}: {status} {answer}")
        return answer

    def user(self, username, full_name):
        self.must("POST", "/v1/auth/register", {"username": username, "email": f"{username}@example.com",
                                                 "password": PASSWORD, "full_name": full_name})
        return self.must("POST", "/v1/auth/login", {"username": username, "password": PASSWORD})["access_token"]


def full_profile(api, token):
    api.must("PATCH", "/v1/me/profile", {
        "headline": "Analyst of engines", "location": "London, GB",
        "summary": "Writes programs for machines that do not exist yet, and the notes that explain them.\n\n"
                   "Works best where mathematics meets machinery.",
        "public_email": "ada@example.com", "phone": "+44 20 7946 0001", "website": "https://ada.example.com",
        "links": [{"network": "GitHub", "username": "ada", "url": "https://github.com/ada"},
                  {"network": "LinkedIn", "username": "ada-lovelace", "url": "https://www.linkedin.com/in/ada-lovelace"}],
        "open_to_work": True, "open_to_work_roles": ["Research engineer", "Technical writer"],
        "open_to_work_note": "From spring; remote or London."}, token)
    # enough roles for several printed pages, each with a start and an end marker
    for i in range(14):
        api.must("POST", "/v1/me/experience", {
            "company": f"Analytical Engines {i} Ltd", "title": f"Programmer START{i:02d}",
            "start_date": f"{2024 - 2 * i}-0{1 + i % 9}", **({"end_date": f"{2025 - 2 * i}-0{2 + i % 8}"} if i else {}),
            "location": "London", "url": f"https://engines{i}.example.com",
            "summary": "Translated and annotated Menabrea's memoir on the Analytical Engine, adding notes "
                       "three times its length that describe how the engine could be programmed.",
            "highlights": ["First published algorithm meant for a machine (Bernoulli numbers, Note G)",
                           "Showed the engine could act on symbols, not only numbers",
                           f"Corresponded with Babbage about the engine's design END{i:02d}"]}, token)
    api.must("POST", "/v1/me/education", {"institution": "Private tutors", "area": "Mathematics",
                                          "study_type": "Self-directed", "start_date": "1832", "end_date": "1840",
                                          "courses": ["Analysis", "Logic"]}, token)
    for name, level, years in [("Mathematics", "Expert", 20), ("Technical writing", "Expert", 12),
                               ("Rust", "Advanced", 6), ("SQLite", "Advanced", 8), ("Python", "Intermediate", 4)]:
        api.must("POST", "/v1/me/skills", {"name": name, "level": level, "years": years,
                                           "keywords": ["analysis", "notes"]}, token)
    api.must("POST", "/v1/me/projects", {"name": "Note G", "description": "The Bernoulli numbers program.",
                                         "url": "https://noteg.example.com", "repo_url": "https://git.example.com/noteg",
                                         "start_date": "1842-09", "end_date": "1843-07",
                                         "keywords": ["algorithms"]}, token)
    api.must("POST", "/v1/me/certifications", {"name": "Fellow", "issuer": "Royal Society", "date": "1843-01",
                                               "url": "https://royalsociety.example.org/ada"}, token)


def hostile_profile(api, token):
    long = (HOSTILE * 80)[:5000]
    url = "https://example.com/\"><script>alert(3)</script>"
    doc = {
        "basics": {"name": HOSTILE, "label": HOSTILE, "summary": long, "phone": HOSTILE[:50], "url": url,
                   "location": {"city": HOSTILE},
                   "profiles": [{"network": HOSTILE[:50], "username": HOSTILE, "url": url}]},
        "work": [{"name": HOSTILE, "position": HOSTILE, "location": HOSTILE, "url": url, "summary": long,
                  "startDate": "2020-01", "highlights": [HOSTILE]}],
        "education": [{"institution": HOSTILE, "area": HOSTILE, "studyType": HOSTILE, "score": HOSTILE[:50]}],
        "skills": [{"name": f"{i}{HOSTILE}"[:100], "level": HOSTILE[:50], "keywords": [HOSTILE[:50]]}
                   for i in range(100)],
        "projects": [{"name": HOSTILE, "description": long, "url": url, "repoUrl": url, "highlights": [HOSTILE]}],
        "certificates": [{"name": HOSTILE, "issuer": HOSTILE, "url": url, "credentialId": HOSTILE}],
    }
    api.must("PUT", "/v1/me/resume", doc, token)
    api.must("PATCH", "/v1/me/profile", {"open_to_work": True, "open_to_work_note": HOSTILE,
                                         "open_to_work_roles": [HOSTILE[:100]]}, token)


CONTRAST_JS = r"""() => {
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bg = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    const r = el.getBoundingClientRect(); if (r.width === 0 || el.closest('.skip')) continue;
    const fg = parse(getComputedStyle(el).color), b = bg(el);
    const l1 = lum(fg), l2 = lum(b), ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) bad.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} "${el.textContent.trim().slice(0, 30)}"`);
  }
  return bad;
}"""

INJECTED_JS = r"""() => ({
  scripts: [...document.scripts].filter(s => s.type !== 'application/ld+json').length,
  imgs: document.querySelectorAll('img').length,
  handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
  frames: document.querySelectorAll('iframe, object, embed, form, base').length,
})"""


def main():
    binary = sys.argv[1]
    docs = sys.argv[sys.argv.index("--docs") + 1] if "--docs" in sys.argv else None
    node = sys.argv[sys.argv.index("--node") + 1] if "--node" in sys.argv else None
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    os.makedirs(ARTIFACTS)
    tmp = tempfile.mkdtemp(prefix="restume-browser-")
    db = os.path.join(tmp, "restume.db")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "--db", db, "--bind", f"127.0.0.1:{port}", "--bcrypt-cost", "4",
                               "--limit-public", "10000:1000/s", "--limit-jwt", "10000:1000/s"],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(ARTIFACTS, "server.log"), "w"))
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health")
                break
            except Exception:
                time.sleep(0.1)
        api = Api(base)
        ada = api.user("ada", "Ada Lovelace")
        eve = api.user("eve", "Eve Hostile")
        full_profile(api, ada)
        hostile_profile(api, eve)
        for user in ["ada", "eve"]:
            out = subprocess.run([binary, "admin", "grant", user, "pro", "--db", db], capture_output=True, text=True)
            if out.returncode != 0:
                raise SystemExit(f"grant {user}: {out.stderr}")
        with sync_playwright() as p:
            # Playwright gives a launched browser a fresh --user-data-dir of its own
            # (it refuses one in args; launch_persistent_context would take one).
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            for theme in THEMES:
                for token in (ada, eve):
                    api.must("PUT", "/v1/me/theme", {"theme": theme}, token)
                run_theme(browser, base, theme, docs)
                if node:
                    run_axe(browser, base, theme, node)
                    run_html_validate(base, theme, node)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(ok for _, ok in results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not results else 0


def watch(page):
    errors = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    dialogs = []

    def on_dialog(d):
        dialogs.append(d.message)
        d.dismiss()
    page.on("dialog", on_dialog)
    return errors, dialogs


def run_theme(browser, base, theme, docs):
    # the narrowest phone SPEC §4.2 names: nothing wider than the screen
    ctx = browser.new_context(viewport={"width": 320, "height": 640})
    page = ctx.new_page()
    for user in ("ada", "eve"):
        page.goto(f"{base}/u/{user}", wait_until="load")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        check(f"{theme} {user} 320px: no horizontal scroll", overflow <= 0, f"{overflow}px wider")
    ctx.close()
    # screen: both profiles, two widths, light and dark
    for width in (375, 1280):
        for scheme in ("light", "dark"):
            ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            page = ctx.new_page()
            errors, dialogs = watch(page)
            for user in ("ada", "eve"):
                r = page.goto(f"{base}/u/{user}", wait_until="load")
                label = f"{theme} {user} {width}px {scheme}"
                check(f"{label}: 200", r.status == 200, r.status)
                title = page.title()
                check(f"{label}: a title of 1-70 characters", 0 < len(title) <= 70, title)
                check(f"{label}: stylesheet applied", page.evaluate(
                    "() => getComputedStyle(document.body).fontFamily") != "", "no style")
                if user == "ada":
                    page.screenshot(path=os.path.join(ARTIFACTS, f"{theme}-{width}-{scheme}.png"), full_page=True)
                    bad = page.evaluate(CONTRAST_JS)
                    check(f"{label}: contrast >= 4.5:1", not bad, bad[:5])
                    bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
                    nums = [int(x) for x in re.findall(r"\d+", bg)[:3]]
                    dark = sum(nums) / 3 < 80
                    want_dark = scheme == "dark" or theme == "terminal"
                    check(f"{label}: {'dark' if want_dark else 'light'} background", dark == want_dark, bg)
                    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                    check(f"{label}: no horizontal scroll", overflow <= 0, f"{overflow}px wider")
                    if width == 1280 and scheme == "light" and docs:
                        save_doc_shot(page, theme, docs)
                    if width == 1280 and scheme == "light":
                        check_json_ld(page, theme)
                        check_print(page, theme, base)
                else:
                    page.screenshot(path=os.path.join(ARTIFACTS, f"{theme}-hostile-{width}-{scheme}.png"))
                    inj = page.evaluate(INJECTED_JS)
                    check(f"{label}: nothing injected", inj == {"scripts": 0, "imgs": 0, "handlers": 0, "frames": 0}, inj)
                    check(f"{label}: h1 is the name as text", page.inner_text("h1").startswith('"><img'), page.inner_text("h1"))
            page.wait_for_timeout(200)
            check(f"{theme} {width}px {scheme}: no console or CSP errors", not errors, errors[:5])
            check(f"{theme} {width}px {scheme}: no dialog", not dialogs, dialogs)
            ctx.close()


def run_axe(browser, base, theme, node):
    """axe-core needs a script of its own on the page: this context alone
    bypasses the page's CSP to inject it."""
    axe = os.path.join(node, "node_modules", "axe-core", "axe.min.js")
    for width, scheme in ((1280, "light"), (1280, "dark"), (375, "light")):
        ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True)
        page = ctx.new_page()
        for user in ("ada", "eve"):
            page.goto(f"{base}/u/{user}", wait_until="load")
            page.add_script_tag(path=axe)
            found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations'],
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}))
                .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                       target: v.nodes[0] && v.nodes[0].target.join(' ')}))""")
            bad = [v for v in found if v["impact"] in ("serious", "critical")]
            check(f"{theme} {user} {width}px {scheme}: axe, no serious or critical violation", not bad, bad[:5])
        ctx.close()


def run_html_validate(base, theme, node):
    cli = os.path.join(node, "node_modules", ".bin", "html-validate")
    out_dir = tempfile.mkdtemp(prefix="restume-html-")
    files = []
    for name, path in (("ada", "/u/ada"), ("eve", "/u/eve"), ("404", "/u/nobody")):
        try:
            body = urllib.request.urlopen(base + path).read()
        except urllib.error.HTTPError as e:
            body = e.read()
        files.append(os.path.join(out_dir, f"{theme}-{name}.html"))
        with open(files[-1], "wb") as f:
            f.write(body)
    config = os.path.join(out_dir, "htmlvalidate.json")
    with open(config, "w") as f:
        # long-title counts a title's characters as written, entities and all
        # (the hostile title is "&lt;…"); the title's length as read is
        # checked in the browser instead (document.title, at most 70)
        json.dump({"extends": ["html-validate:recommended"], "rules": {"long-title": "off"}}, f)
    r = subprocess.run([cli, "--config", config, *files], capture_output=True, text=True)
    check(f"{theme}: html-validate (recommended) on the pages and the 404", r.returncode == 0,
          (r.stdout + r.stderr)[:800])
    shutil.rmtree(out_dir, ignore_errors=True)


def save_doc_shot(page, theme, docs):
    from PIL import Image
    os.makedirs(docs, exist_ok=True)
    # the print check's entry markers are for the PDF, not for the README
    page.evaluate("""() => {
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode())
            n.nodeValue = n.nodeValue.replace(/ (START|END)\\d\\d/g, "");
    }""")
    png = page.screenshot(clip={"x": 0, "y": 0, "width": 1280, "height": 900})
    page.reload()  # the markers back, for the checks that follow
    img = Image.open(io.BytesIO(png)).convert("RGB").resize((640, 450), Image.LANCZOS)
    img = img.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    img.save(os.path.join(docs, f"{theme}.png"), optimize=True)


def check_json_ld(page, theme):
    ld = page.evaluate("() => JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)")
    person = ld.get("mainEntity", {})
    ok = (ld.get("@type") == "ProfilePage" and person.get("@type") == "Person"
          and person.get("name") == "Ada Lovelace" and person.get("jobTitle") == "Analyst of engines"
          and person.get("worksFor", {}).get("name") == "Analytical Engines 0 Ltd"
          and person.get("alumniOf", [{}])[0].get("name") == "Private tutors"
          and "Rust" in person.get("knowsAbout", [])
          and person.get("address", {}).get("addressLocality") == "London, GB"
          and "https://github.com/ada" in person.get("sameAs", [])
          and person.get("url", "").endswith("/u/ada"))
    check(f"{theme}: JSON-LD ProfilePage with the Person", ok, json.dumps(ld)[:300])


def contrast_on_white(rgb):
    def channel(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = [int(x) for x in re.findall(r"\d+", rgb)[:3]]
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (lum + 0.05)


def check_print(page, theme, base):
    from pypdf import PdfReader
    page.emulate_media(media="print")
    colours = page.evaluate("""() => [...document.querySelectorAll('body, body *')]
        .filter(e => e.getBoundingClientRect().width > 0)
        .map(e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor])""")
    dark_bg = [bg for _, bg in colours if bg not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")]
    light_fg = [fg for fg, _ in colours if contrast_on_white(fg) < 4.5]
    check(f"{theme} print: white backgrounds", not dark_bg, dark_bg[:5])
    check(f"{theme} print: dark text (>= 4.5:1 on white)", not light_fg, light_fg[:5])
    if theme == "terminal":
        check(f"{theme} print: black on white", all(fg == "rgb(0, 0, 0)" for fg, _ in colours),
              [fg for fg, _ in colours if fg != "rgb(0, 0, 0)"][:5])
    avoid = page.evaluate("""() => [...document.querySelectorAll('.entry, .skill')]
        .every(e => getComputedStyle(e).breakInside === 'avoid')""")
    check(f"{theme} print: entries are break-inside: avoid", avoid)
    hrefs = page.evaluate("""() => [...document.querySelectorAll('a[href^="http"]')].map(a => a.href)""")
    for paper in PAPERS:
        pdf = page.pdf(format=paper, print_background=True)
        with open(os.path.join(ARTIFACTS, f"{theme}-{paper}.pdf"), "wb") as f:
            f.write(pdf)
        reader = PdfReader(io.BytesIO(pdf))
        texts = [pg.extract_text() or "" for pg in reader.pages]
        check(f"{theme} {paper}: several pages", len(texts) >= 2, len(texts))
        split = []
        for i in range(14):
            start = [n for n, t in enumerate(texts) if f"START{i:02d}" in t]
            end = [n for n, t in enumerate(texts) if f"END{i:02d}" in t]
            if not start or not end or start != end:
                split.append((i, start, end))
        check(f"{theme} {paper}: no entry crosses a page boundary", not split, split)
        uris = set()
        for pg in reader.pages:
            for annot in pg.get("/Annots") or []:
                a = annot.get_object().get("/A")
                if a and a.get("/URI"):
                    uris.add(str(a["/URI"]))
        missing = [h for h in hrefs if h not in uris]
        check(f"{theme} {paper}: links keep their hrefs", hrefs and not missing, missing[:5])
        printed = "".join(texts).replace("\n", "")
        check(f"{theme} {paper}: link targets printed", "<https://github.com/ada>" in printed, printed[:200])
    page.emulate_media(media="screen")


if __name__ == "__main__":
    sys.exit(main())
