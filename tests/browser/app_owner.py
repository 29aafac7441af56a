"""The dashboard suite's owner scenarios: sign-up to every owner screen."""

import json
import re

from app_common import (PASSWORD, SAMPLE, Watch, check, doc_shot, field_error, fill, goto, no_scroll, shot,
                        sign_in, token_of)

SECTIONS = {
    "skills": [{"name": "Rust", "level": "Expert", "years": 6, "category": "Languages", "keywords": ["systems", "web"]},
               {"name": "SQLite", "level": "Advanced", "years": 8}],
    "experience": [{"company": "Analytical Engines Ltd", "title": "Programmer", "start_date": "2020-01",
                    "location": "London", "url": "https://engines.example.com", "summary": "Wrote Note G.",
                    "highlights": ["First published algorithm", "Symbols, not only numbers"]},
                   {"company": "Difference Engines", "title": "Analyst", "start_date": "2015", "end_date": "2019-12"}],
    "education": [{"institution": "Private tutors", "area": "Mathematics", "study_type": "Self-directed",
                   "start_date": "1832", "end_date": "1840", "score": "First", "courses": ["Analysis", "Logic"]}],
    "projects": [{"name": "Note G", "description": "The Bernoulli numbers program.", "url": "https://noteg.example.com",
                  "repo_url": "https://git.example.com/noteg", "start_date": "1842-09", "end_date": "1843-07",
                  "highlights": ["Loops"], "keywords": ["algorithms"]}],
    "certifications": [{"name": "Fellow", "issuer": "Royal Society", "date": "1843-01", "expires": "1900",
                        "url": "https://royalsociety.example.org/ada", "credential_id": "RS-1843"}],
}


def api_rows(server, token, section):
    status, rows = server.call("GET", f"/v1/me/{section}", token=token)
    return rows if status == 200 else []


def signup(page, base, w):
    page.goto(base + "/app/skills")
    page.wait_for_selector("#signin")
    check("signed out: a deep link shows the sign-in screen", page.url.endswith("/app/signin"), page.url)
    shot(page, "signin")
    page.click("main a[href='/app/signup']")
    page.wait_for_selector("#signup")
    w.expect(422)
    fill(page, "#signup", {"username": "a", "email": "ada@example.com", "full_name": "Ada Lovelace", "password": PASSWORD})
    page.click("#signup button[type=submit]")
    page.wait_for_selector("#signup [data-error-for=username]:not(:empty)")
    check("sign-up: the API's error is shown at the username field",
          "at least" in field_error(page, "#signup", "username")
          and page.get_attribute("#signup [name=username]", "aria-invalid") == "true",
          field_error(page, "#signup", "username"))
    shot(page, "signup-error")
    page.fill("#signup [name=username]", "ada")
    page.click("#signup button[type=submit]")
    page.wait_for_selector("main h1:has-text('Skills')")
    check("sign-up: signed in and back at the screen first asked for", page.url.endswith("/app/skills"), page.url)


def profile(page, server, base, docs):
    goto(page, base, "/app/profile")
    values = {"headline": "Analyst of engines", "summary": "Writes programs for machines that do not exist yet.",
              "location": "London, GB", "public_email": "ada@example.com", "phone": "+44 20 7946 0001",
              "website": "ftp://ada.example.com", "avatar_url": "https://img.example.com/ada.png",
              "open_to_work": True, "open_to_work_note": "From spring.",
              "open_to_work_roles": ["Research engineer", "Technical writer"]}
    fill(page, "#profile", values)
    page.click("#profile button:has-text('Add a link')")
    page.fill("#profile .link-row:nth-child(1) [data-key=network]", "GitHub")
    page.fill("#profile .link-row:nth-child(1) [data-key=username]", "ada")
    page.fill("#profile .link-row:nth-child(1) [data-key=url]", "not an address")
    page.click("#profile button[type=submit]")
    page.wait_for_selector("#profile [data-error-for=website]:not(:empty)")
    check("profile: a bad website is refused at its field", "web address" in field_error(page, "#profile", "website"),
          field_error(page, "#profile", "website"))
    check("profile: a bad link address is refused at its own input",
          "web address" in field_error(page, "#profile", "links[0].url")
          and page.get_attribute("#profile [data-field='links[0].url']", "aria-invalid") == "true")
    shot(page, "profile-errors")
    page.fill("#profile [name=website]", "https://ada.example.com")
    page.fill("#profile .link-row:nth-child(1) [data-key=url]", "https://github.com/ada")
    page.click("#profile button[type=submit]")
    page.wait_for_selector("#profile .status.ok")
    fill(page, "#account-fields", {"full_name": "Ada King"})
    page.click("#account-fields button[type=submit]")
    page.wait_for_selector("#account-fields .status.ok")
    token = token_of(page)
    _, p = server.call("GET", "/v1/me/profile", token=token)
    want = dict(values, website="https://ada.example.com")
    got = {k: p.get(k) for k in want}
    check("profile: every field saved through the UI", got == want and p["links"] == [
        {"network": "GitHub", "username": "ada", "url": "https://github.com/ada"}], got)
    _, acct = server.call("GET", "/v1/me/account", token=token)
    check("profile: the account's name saved", acct["full_name"] == "Ada King", acct)


def add_row(page, section, values):
    page.click(f"main button:has-text('Add a')")
    form = f"#add-{section}"
    page.wait_for_selector(form)
    fill(page, form, values)
    page.click(f"{form} button[type=submit]")


def sections(page, server, base, w, docs):
    token = token_of(page)
    for section, rows in SECTIONS.items():
        goto(page, base, f"/app/{section}")
        for values in rows:
            add_row(page, section, values)
            page.wait_for_selector(f"#add-{section}", state="detached")
        got = api_rows(server, token, section)
        ok = len(got) == len(rows) and all(all(g.get(k) == v for k, v in want.items()) for g, want in zip(got, rows))
        check(f"{section}: every field of each row saved through the UI", ok, got)
    # validation errors at their fields: a number out of range, an end before its start
    goto(page, base, "/app/skills")
    add_row(page, "skills", {"name": "Python", "years": 99})
    page.wait_for_selector("#add-skills [data-error-for=years]:not(:empty)")
    check("skills: years out of range shown at its field", "0 to 70" in field_error(page, "#add-skills", "years"),
          field_error(page, "#add-skills", "years"))
    shot(page, "skills-error")
    page.fill("#add-skills [name=years]", "4")
    page.click("#add-skills button[type=submit]")
    page.wait_for_selector("#add-skills", state="detached")
    doc_shot(page, docs, "skills")
    # reorder by keyboard: Rust's handle, arrow down
    page.focus(".handle[aria-label^='Move Rust']")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("main .status.ok:has-text('Order saved')")
    names = [r["name"] for r in api_rows(server, token, "skills")]
    check("skills: the arrow key moved Rust down, and the order is saved", names == ["SQLite", "Rust", "Python"], names)
    check("skills: focus stays on the moved row's handle",
          page.evaluate("() => document.activeElement.getAttribute('aria-label')").startswith("Move Rust"))
    # reorder by dragging: Python onto the first row
    page.locator(".row", has_text="Python").drag_to(page.locator(".row", has_text="SQLite"))
    page.wait_for_function("() => document.querySelector('.rows .row strong').textContent === 'Python'")
    page.wait_for_selector("main .status.ok:has-text('Order saved')")
    names = [r["name"] for r in api_rows(server, token, "skills")]
    check("skills: dragging Python to the top saves the order", names == ["Python", "SQLite", "Rust"], names)
    # edit, with an error first: an end date before the start
    goto(page, base, "/app/experience")
    page.click("button[aria-label='Edit Programmer at Analytical Engines Ltd']")
    form = "form[id^=edit-experience]"
    w.expect(422)
    page.fill(f"{form} [name=end_date]", "2019-01")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"{form} .field-error:not(:empty)")
    check("experience: an end before the start is shown at a date field",
          page.locator(f"{form} [aria-invalid=true]").count() >= 1, page.inner_text(form)[:300])
    page.fill(f"{form} [name=end_date]", "")
    page.fill(f"{form} [name=title]", "Lead programmer")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(form, state="detached")
    titles = [r["title"] for r in api_rows(server, token, "experience")]
    check("experience: an edit is saved", titles[0] == "Lead programmer", titles)
    # delete, after a confirmation
    page.click("button[aria-label='Delete Analyst at Difference Engines']")
    page.click("button:has-text('Keep it')")
    check("experience: 'Keep it' deletes nothing", len(api_rows(server, token, "experience")) == 2)
    page.click("button[aria-label='Delete Analyst at Difference Engines']")
    page.click("button:has-text('Yes, delete')")
    page.wait_for_selector("main .status.ok:has-text('Deleted')")
    check("experience: a row is deleted", [r["company"] for r in api_rows(server, token, "experience")]
          == ["Analytical Engines Ltd"])
    shot(page, "experience")


def import_export(page, server, base, tmpdir):
    goto(page, base, "/app/import")
    page.set_input_files("#import-file", SAMPLE)
    page.click("main button:has-text('Import')")
    page.wait_for_selector(".kept")
    text = page.inner_text("main")
    check("import: the summary counts the rows", "skills: 2" in text and "experience: 1" in text, text[:400])
    check("import: the sections kept verbatim are listed", "awards" in page.inner_text(".kept"), page.inner_text(".kept"))
    shot(page, "import")
    with open(SAMPLE) as f:
        sample = json.load(f)
    with page.expect_download() as d:
        page.click("button:has-text('Download JSON Resume')")
    doc = json.load(open(d.value.path()))
    check("export: the JSON Resume download is the imported document",
          doc["basics"]["name"] == sample["basics"]["name"] and doc.get("awards") == sample.get("awards"),
          str(doc)[:200])
    with page.expect_download() as d:
        page.click("button:has-text('Download everything')")
    check("export: everything the server keeps, as its file name", d.value.suggested_filename == "restume-export-ada.json",
          d.value.suggested_filename)


def keys(page, server, base, ctx):
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    goto(page, base, "/app/keys")
    fill(page, "#new-key", {"name": "ci", "expires_at": "2031-01-31"})
    page.click("#new-key button[type=submit]")
    page.wait_for_selector("#raw-key")
    raw = page.inner_text("#raw-key")
    check("keys: the raw key is shown", re.fullmatch(r"rst_[0-9A-Za-z]{32}", raw), raw)
    page.click("button:has-text('Copy')")
    page.wait_for_selector(".callout .status.ok")
    check("keys: the copy button puts the key on the clipboard", page.evaluate("() => navigator.clipboard.readText()") == raw)
    status, _ = server.call("GET", "/v1/me/account", key=raw)
    check("keys: the new key works", status == 200, status)
    shot(page, "keys")
    goto(page, base, "/app/keys")
    check("keys: the raw key is shown once only", page.locator("#raw-key").count() == 0 and raw not in page.content())
    check("keys: the expiry is listed", "2031" in page.inner_text("table.keys"), page.inner_text("table.keys"))
    page.click("button[aria-label='Revoke ci']")
    page.wait_for_selector("main .status.ok:has-text('Revoked')")
    status, _ = server.call("GET", "/v1/me/account", key=raw)
    check("keys: a revoked key stops working", status == 401, status)


def preview_css(page):
    frame = page.frame_locator("iframe.preview")
    return frame.locator("link[rel=stylesheet]").get_attribute("href")


def appearance_free(page, base, w):
    goto(page, base, "/app/appearance")
    page.wait_for_function("() => document.querySelector('iframe.preview').contentDocument?.querySelector('h1')")
    check("theme: the preview shows the page", "theme-classic" in preview_css(page), preview_css(page))
    check("theme: premium themes are offered with the plan they need",
          page.is_disabled("#theme-terminal") and "needs the pro plan" in page.inner_text("fieldset.themes"))
    check("layout: the editor says it needs Pro", "needs the pro plan" in page.inner_text("fieldset.layout")
          and page.is_disabled("fieldset.layout button:has-text('Save the layout')"))
    page.click("label[for=theme-minimal]")
    page.wait_for_selector("fieldset.themes .status.ok")
    page.wait_for_function("() => document.querySelector('iframe.preview').contentDocument?.querySelector"
                           "('link[href*=theme-minimal]')")
    check("theme: choosing Minimal changes the preview", "theme-minimal" in preview_css(page), preview_css(page))
    shot(page, "appearance-free")


def views_counted(page, ctx, base, docs):
    tab = ctx.new_page()
    tab.goto(base + "/u/ada")
    check("public page: opens in another tab", tab.locator("h1").count() == 1)
    tab.close()
    goto(page, base, "/app/analytics")
    page.check("#as-table")
    page.wait_for_selector("table.analytics")
    today = page.locator("table.analytics tbody tr").first.locator("td").nth(1).inner_text()
    check("analytics: the view in the other tab is counted (the previews are not)", today == "1", today)
    page.uncheck("#as-table")
    page.wait_for_selector(".chart svg rect.bar")
    check("analytics: four charts drawn as SVG", page.locator(".chart svg").count() == 4)
    doc_shot(page, docs, "analytics")
    page.locator(".chart").first.locator("rect.bar").last.focus()
    check("analytics: a bar's tooltip on focus", "1 views" in page.inner_text(".chart .tip >> nth=0"),
          page.inner_text(".chart .tip >> nth=0"))


def pro_explained(page, base, w):
    w.expect(403)
    page.select_option("#days", "30")
    page.wait_for_selector("main .gate")
    check("analytics: 30 days on the free plan is explained", "pro" in page.inner_text("main .gate"))
    for path, what in (("/app/insights", "Insights"), ("/app/transcripts", "Transcripts")):
        goto(page, base, path)
        text = page.inner_text("main")
        check(f"{what}: a free owner sees what is missing and how to get it",
              "need the pro plan" in text and page.locator("main .gate a[href='/app/plan']").count() == 1, text[:200])
    shot(page, "insights-free")
    goto(page, base, "/app/plan")
    check("plan: how to get Pro here", "How to get Pro here" in page.inner_text("main"))


def signed_out_midway(page, base, w):
    goto(page, base, "/app/profile")
    page.fill("#profile [name=headline]", "Draft headline")
    page.evaluate("""() => sessionStorage.setItem('restume.session',
        JSON.stringify({token: 'e30.e30.x', expires_at: Date.now() + 3600e3}))""")
    w.expect(401)
    page.click("#profile button[type=submit]")
    page.wait_for_selector("#signin")
    check("401: back to the sign-in screen, saying why", "go on where you were" in page.inner_text("main"))
    page.fill("#signin [name=username]", "ada@example.com")
    page.fill("#signin [name=password]", PASSWORD)
    page.click("#signin button[type=submit]")
    page.wait_for_selector("#profile")
    check("401: after signing in with the email, back at the profile", page.url.endswith("/app/profile"), page.url)
    check("401: what was typed is kept", page.input_value("#profile [name=headline]") == "Draft headline")
    page.click("#profile button[type=submit]")
    page.wait_for_selector("#profile .status.ok")
    # a 401 in the middle of a password change keeps no password
    goto(page, base, "/app/account")
    fill(page, "#password", {"current_password": PASSWORD, "new_password": "typed but never kept"})
    page.evaluate("""() => sessionStorage.setItem('restume.session',
        JSON.stringify({token: 'e30.e30.x', expires_at: Date.now() + 3600e3}))""")
    page.click("#password button[type=submit]")
    page.wait_for_selector("#signin")
    stored = page.evaluate("() => JSON.stringify(Object.entries(sessionStorage))")
    check("401: no password is kept for after the sign-in", PASSWORD not in stored and "never kept" not in stored, stored)
    sign_in(page, base, "ada")
    check("401: back at the account screen", page.url.endswith("/app/account"), page.url)


def deep_links(page, base):
    goto(page, base, "/app/education")
    page.click("#nav a[href='/app/projects']")
    page.wait_for_selector("main h1:has-text('Projects')")
    check("navigation: the URL follows the screen", page.url.endswith("/app/projects"))
    check("navigation: focus moves to the new heading", page.evaluate("() => document.activeElement.tagName") == "H1")
    page.go_back()
    page.wait_for_selector("main h1:has-text('Education')")
    check("back button: the previous screen", page.url.endswith("/app/education"))
    page.go_forward()
    page.wait_for_selector("main h1:has-text('Projects')")
    goto(page, base, "/app/no-such-screen")
    check("an unknown screen says so", page.inner_text("main h1") == "Not found")
    goto(page, base, "/app/transcripts/%E0%A4%A")
    check("a malformed address says so too", page.inner_text("main h1") == "Not found")


def narrow(browser, server, base):
    ctx = browser.new_context(viewport={"width": 375, "height": 800})
    w = Watch(ctx, "375 px")
    page = ctx.new_page()
    sign_in(page, base, "ada")
    for path in ("/app", "/app/profile", "/app/skills", "/app/keys", "/app/appearance", "/app/analytics", "/app/plan"):
        goto(page, base, path)
        no_scroll(page, f"375 px {path}")
    check("375 px: the navigation folds into a menu", not page.is_visible("#nav"))
    page.click(".menu-toggle")
    check("375 px: the menu opens", page.is_visible("#nav a[href='/app/skills']"))
    page.click("#nav a[href='/app/skills']")
    page.wait_for_selector("main h1:has-text('Skills')")
    shot(page, "skills-375")
    w.done()
    ctx.close()


def tab_to(page, js_test, limit=40):
    """Presses Tab until the focused element passes js_test; True when it did."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({js_test}); }}"):
            return True
    return False


def keyboard_only(browser, server, base):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    w = Watch(ctx, "keyboard only")
    page = ctx.new_page()
    page.goto(base + "/app/signin")
    page.wait_for_selector("#signin")
    check("keyboard: Tab reaches the username", tab_to(page, "el.name === 'username'"))
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    check("keyboard: the focused field shows its focus", outline != "none", outline)
    page.keyboard.type("ada")
    page.keyboard.press("Tab")
    page.keyboard.type("not the password")
    w.expect(401)
    page.keyboard.press("Enter")
    page.wait_for_selector("#signin .status.error")
    check("sign-in: a wrong password shows the server's message",
          "Wrong username or password" in page.inner_text("#signin .status.error"), page.inner_text("#signin"))
    check("sign-in: still on the sign-in screen", page.url.endswith("/app/signin"))
    check("sign-in: the refused password is kept nowhere", "not the password" not in page.evaluate(
        "() => JSON.stringify(Object.entries(sessionStorage))"))
    page.fill("#signin [name=password]", "")
    page.focus("#signin [name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("main h1:has-text('Hello')")
    check("keyboard: Tab reaches Skills in the menu", tab_to(page, "el.getAttribute('href') === '/app/skills'"))
    page.keyboard.press("Enter")
    page.wait_for_selector("main h1:has-text('Skills')")
    check("keyboard: Tab reaches 'Add a skill'", tab_to(page, "el.textContent === 'Add a skill'"))
    page.keyboard.press("Enter")
    page.wait_for_selector("#add-skills")
    check("keyboard: the new row's form has the focus",
          page.evaluate("() => document.activeElement.name") == "name")
    page.keyboard.type("Go")
    page.keyboard.press("Enter")
    page.wait_for_selector("#add-skills", state="detached")
    names = [r["name"] for r in api_rows(server, token_of(page), "skills")]
    check("keyboard: a skill added by keyboard alone", "Go" in names, names)
    page.click("header button:has-text('Sign out')")
    page.wait_for_selector("#signin")
    page.goto(base + "/app/skills")
    page.wait_for_selector("#signin")
    check("sign out: this tab no longer has a session", page.evaluate(
        "() => sessionStorage.getItem('restume.session')") is None)
    w.done()
    ctx.close()


def watch_canary(browser, base):
    """The watch would see a violation: an inline script and an eval are refused and reported."""
    ctx = browser.new_context()
    w = Watch(ctx, "canary")
    page = ctx.new_page()
    page.goto(base + "/app/signin")
    page.wait_for_selector("#signin")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';
        document.body.append(s); try { window.setTimeout('window.ran = 2'); } catch (e) {} }""")
    page.wait_for_timeout(300)
    check("CSP: an inline script does not run", page.evaluate("() => window.ran") is None)
    check("CSP: the watch reports the violations", any("CSP violation" in e or "Content Security Policy" in e
                                                       for e in w.errors), w.errors)
    ctx.close()


def owner_scenarios(browser, server, docs, tmpdir):
    base = server.base
    watch_canary(browser, base)
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    w = Watch(ctx, "owner")
    page = ctx.new_page()
    signup(page, base, w)
    profile(page, server, base, docs)
    sections(page, server, base, w, docs)
    import_export(page, server, base, tmpdir)
    keys(page, server, base, ctx)
    appearance_free(page, base, w)
    views_counted(page, ctx, base, docs)
    pro_explained(page, base, w)
    signed_out_midway(page, base, w)
    deep_links(page, base)
    goto(page, base, "/app")
    shot(page, "overview")
    doc_shot(page, docs, "overview")
    narrow(browser, server, base)
    keyboard_only(browser, server, base)
    return ctx, page, w
