"""The dashboard suite's admin scenarios, what a grant unlocks for the owner,
the account's end, axe-core on the main screens, and the token refresh."""

import os
import time

from app_common import (ARTIFACTS, PASSWORD, Watch, check, doc_shot, fill, goto, shot, sign_in, token_of)

POST_MD = """---
title: Imported notes
slug: imported-notes
summary: From a file
status: published
---
# Notes

Imported **from a file**.
"""


def admin_screens(page, server, base, docs):
    goto(page, base, "/app/admin")
    check("admin: the KPIs", "users" in page.inner_text("main .kpis >> nth=0"), page.inner_text("main")[:200])
    shot(page, "admin-kpis")
    goto(page, base, "/app/admin/users")
    fill(page, "#user-filters", {"q": "ada", "plan": "free"})
    page.click("#user-filters button[type=submit]")
    # The unfiltered list already shows ada: wait for the filtered one.
    try:
        page.wait_for_function("() => document.querySelectorAll('main tbody tr').length === 1"
                               " && document.querySelector(\"main table a[href='/app/admin/users/ada']\")",
                               timeout=10_000)
    except Exception:
        pass
    check("admin: the search with filters finds the owner", page.locator("main tbody tr").count() == 1
          and "plan=free" in page.url, page.url)
    page.click("main table a[href='/app/admin/users/ada']")
    page.wait_for_selector("main h1:has-text('(ada)')")
    check("admin: the drill-down has the timeline", "user.register" in page.inner_text("main"))
    fill(page, "#grant", {"plan": "pro", "reason": "early supporter"})
    page.click("#grant button[type=submit]")
    page.wait_for_function("() => document.querySelector('main table')?.innerText.includes('early supporter')")
    page.wait_for_selector("main h1:has-text('(ada)')")
    check("admin: the grant is listed as active", "active" in page.inner_text("main table >> nth=0"))
    shot(page, "admin-user")
    doc_shot(page, docs, "admin-user")
    # a second grant, revoked from the table
    fill(page, "#grant", {"plan": "recruiter", "reason": "trial", "expires_on": "2030-01-01"})
    page.click("#grant button[type=submit]")
    page.wait_for_function("() => document.querySelector('main table')?.innerText.includes('trial')")
    page.wait_for_selector("main .revoke input")
    row = page.locator("main table >> nth=0").locator("tr", has_text="trial")
    row.locator("input").fill("trial over")
    row.locator("button:has-text('Revoke')").click()
    page.wait_for_function("() => document.querySelector('main table')?.innerText.includes('trial over')")
    _, detail = server.call("GET", "/v1/admin/users/ada", token=token_of(page))
    revoked = [g for g in detail["manual_grants"] if g["plan"] == "recruiter"]
    check("admin: a grant revoked from the table", revoked and revoked[0]["revoked_at"], revoked)
    # disable, enable, a reset token, on another user
    goto(page, base, "/app/admin/users/fred")
    page.click("button:has-text('Disable the account')")
    page.wait_for_selector("button:has-text('Enable the account')")
    status, _ = server.call("POST", "/v1/auth/login", {"username": "fred", "password": PASSWORD})
    check("admin: a disabled user cannot sign in", status == 401, status)
    page.click("button:has-text('Enable the account')")
    page.wait_for_selector("button:has-text('Disable the account')")
    check("admin: enabled again", server.call("POST", "/v1/auth/login", {"username": "fred", "password": PASSWORD})[0] == 200)
    page.click("button:has-text('Make a password-reset token')")
    page.wait_for_selector("main code.raw-key")
    reset = page.inner_text("main code.raw-key")
    goto(page, base, "/app/admin/search-index")
    page.click("button:has-text('Rebuild the index')")
    page.wait_for_selector("main .status.ok:has-text('Rebuilt')")
    check("admin: the index rebuilt, with its time", "—" not in page.inner_text("main table"), page.inner_text("main table"))
    return reset


def blog(page, server, base, docs, tmpdir):
    goto(page, base, "/app/admin/blog/new")
    fill(page, "#post-new", {"title": "Launch", "slug": "launch", "summary": "We are live",
                             "body_markdown": "# Hello\n\nA **bold** start with [a link](https://example.com).\n\n- one\n- two",
                             "status": "published"})
    page.wait_for_selector(".md-preview h2")
    check("blog: the Markdown preview renders", page.inner_text(".md-preview h2") == "Hello"
          and page.locator(".md-preview strong").inner_text() == "bold" and page.locator(".md-preview li").count() == 2)
    page.fill("#post-new [name=body_markdown]", "<img src=x onerror=alert(1)> [x](javascript:alert(2))")
    check("blog: the preview shows markup as text, and no script link",
          page.locator(".md-preview img").count() == 0 and page.locator(".md-preview a").count() == 0)
    page.fill("#post-new [name=body_markdown]", "# Hello\n\nA **bold** start.")
    doc_shot(page, docs, "blog")
    page.click("#post-new button[type=submit]")
    page.wait_for_url("**/app/admin/blog/launch")
    page.wait_for_selector("main h1:has-text('Edit')")
    _, posts = server.call("GET", "/v1/blog")
    check("blog: the published post is on /v1/blog", [p["slug"] for p in posts["items"]] == ["launch"], posts)
    path = os.path.join(tmpdir, "notes.md")
    with open(path, "w") as f:
        f.write(POST_MD)
    goto(page, base, "/app/admin/blog")
    page.set_input_files("#import-post", path)
    page.click("main button:has-text('Import')")
    page.wait_for_selector("main .status.ok:has-text('Imported')")
    _, posts = server.call("GET", "/v1/blog")
    check("blog: an imported post is published", "imported-notes" in [p["slug"] for p in posts["items"]], posts)
    # a draft: listed for admins, not on /v1/blog; then deleted after a second press
    goto(page, base, "/app/admin/blog/new")
    fill(page, "#post-new", {"title": "Scratch", "slug": "scratch", "body_markdown": "draft"})
    page.click("#post-new button[type=submit]")
    page.wait_for_url("**/app/admin/blog/scratch")
    page.wait_for_selector("main h1:has-text('Edit')")
    _, posts = server.call("GET", "/v1/blog")
    check("blog: a draft is not published", "scratch" not in [p["slug"] for p in posts["items"]], posts)
    page.click("button:has-text('Delete the post')")
    page.click("button:has-text('Really delete')")
    page.wait_for_url("**/app/admin/blog")
    page.wait_for_selector("main h1:has-text('Blog posts')")
    _, admin_posts = server.call("GET", "/v1/admin/blog/posts", token=token_of(page))
    check("blog: the draft is deleted", "scratch" not in [p["slug"] for p in admin_posts["items"]]
          and "Scratch" not in page.inner_text("main table"), admin_posts)
    shot(page, "blog")


def unlocked(owner, server, base, docs):
    ctx, page, w = owner
    w.expect()
    page.reload()
    goto(page, base, "/app/insights")
    check("after the grant and a reload: insights open", page.locator("main .gate").count() == 0
          and "Top questions" in page.inner_text("main"), page.inner_text("main")[:200])
    with page.expect_download() as d:
        page.click("button:has-text('Export as CSV')")
    check("insights: the CSV export", open(d.value.path()).read().startswith("kind,"))
    server.call("POST", "/v1/profiles/ada/chat", {"message": "Where did Richard study?",
                                                  "visitor": {"name": "Rita Recruiter", "company": "Acme"}})
    goto(page, base, "/app/transcripts")
    check("after the grant: transcripts open", "1 conversations" in page.inner_text("main"), page.inner_text("main"))
    page.click("main table tbody a")
    page.wait_for_selector("main .chat")
    check("transcript: the visitor and the messages", "Rita Recruiter" in page.inner_text("main")
          and "Where did Richard study?" in page.inner_text("main .chat"))
    shot(page, "transcript")
    page.click("button:has-text('Delete this transcript')")
    page.wait_for_url("**/app/transcripts")
    page.wait_for_selector("main h1:has-text('Transcripts')")
    check("transcript: deleted", "0 conversations" in page.inner_text("main"))
    goto(page, base, "/app/analytics")
    page.select_option("#days", "30")
    page.wait_for_function("() => document.querySelector('.chart figcaption')?.textContent.includes('30 days')")
    check("after the grant: 30 days of analytics", True)
    goto(page, base, "/app/appearance")
    check("after the grant: premium themes open", not page.is_disabled("#theme-terminal"))
    page.click("label[for=theme-terminal]")
    page.wait_for_function("() => document.querySelector('iframe.preview').contentDocument?.querySelector"
                           "('link[href*=theme-terminal]')")
    check("theme: Terminal in the preview", True)
    page.click("button[aria-label='Move experience down']")
    check("layout: focus follows the moved section", page.evaluate(
        "() => document.activeElement.dataset.move") in ("experience-down", "experience-up"))
    page.uncheck("#layout-certifications")
    page.click("button:has-text('Save the layout')")
    page.wait_for_selector("fieldset.layout .status.ok")
    page.wait_for_function("() => !document.querySelector('iframe.preview').contentDocument?.body.innerText"
                           ".includes('Royal Society') && document.querySelector('iframe.preview').contentDocument"
                           "?.querySelector('h1')")
    check("layout: saved, the preview follows", True)
    shot(page, "appearance-pro")
    doc_shot(page, docs, "appearance")


def account_end(owner, server, base):
    ctx, page, w = owner
    goto(page, base, "/app/account")
    w.expect(422)
    fill(page, "#password", {"current_password": "wrong password", "new_password": "a new long password"})
    page.click("#password button[type=submit]")
    page.wait_for_selector("#password [data-error-for=current_password]:not(:empty)")
    check("password: a wrong current password is shown at its field", True)
    old = token_of(page)
    fill(page, "#password", {"current_password": PASSWORD, "new_password": "a new long password"})
    page.click("#password button[type=submit]")
    page.wait_for_selector("#password .status.ok")
    check("password: changed, the dashboard keeps working with the fresh token",
          token_of(page) != old and server.call("GET", "/v1/me/account", token=old)[0] == 401)
    goto(page, base, "/app/account")
    kept = token_of(page)
    page.click("#logout-all button[type=submit]")
    page.wait_for_selector("#signin")
    check("sign out everywhere: the old token is refused", server.call("GET", "/v1/me/account", token=kept)[0] == 401)
    sign_in(page, base, "ada", "a new long password")
    goto(page, base, "/app/account")
    fill(page, "#delete-account", {"confirm": "not-ada", "password": "a new long password"})
    page.click("#delete-account button[type=submit]")
    page.wait_for_selector("#delete-account [data-error-for=confirm]:not(:empty)")
    check("delete: the confirmation must match", server.call("POST", "/v1/auth/login",
                                                           {"username": "ada", "password": "a new long password"})[0] == 200)
    fill(page, "#delete-account", {"confirm": "ada"})
    page.click("#delete-account button[type=submit]")
    page.wait_for_selector("#signup")
    check("delete: the account is gone", server.call("POST", "/v1/auth/login",
                                                   {"username": "ada", "password": "a new long password"})[0] == 401)
    w.done()
    ctx.close()


def admin_scenarios(browser, server, docs, owner, tmpdir):
    base = server.base
    server.user("grace", "Grace Hopper")
    server.user("fred", "Fred Free")
    server.admin("promote", "grace")
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    w = Watch(ctx, "admin")
    page = ctx.new_page()
    sign_in(page, base, "grace")
    check("admin: the admin menu is shown", page.is_visible("#nav a[href='/app/admin/users']"))
    reset = admin_screens(page, server, base, docs)
    blog(page, server, base, docs, tmpdir)
    w.done()
    ctx.close()
    # an owner who is no admin sees no admin menu and an explanation at an admin URL
    ctx = browser.new_context()
    w = Watch(ctx, "non-admin")
    page = ctx.new_page()
    # the admin's one-time token, spent on the dashboard's reset screen
    page.goto(base + "/app/signin")
    page.click("main a[href='/app/reset']")
    fill(page, "#reset", {"token": reset, "new_password": PASSWORD + "!"})
    page.click("#reset button[type=submit]")
    page.wait_for_selector("#signin")
    sign_in(page, base, "fred", PASSWORD + "!")
    check("reset: the admin's token set the password", page.url.endswith("/app"), page.url)
    check("non-admin: no admin menu", page.locator("#nav a[href='/app/admin']").count() == 0)
    goto(page, base, "/app/admin/users")
    check("non-admin: an admin URL explains itself", page.inner_text("main h1") == "Admins only")
    w.done()
    ctx.close()
    unlocked(owner, server, base, docs)
    account_end(owner, server, base)


AXE_SCREENS = ["/app/signin", "/app", "/app/profile", "/app/skills", "/app/import", "/app/keys",
               "/app/appearance", "/app/analytics", "/app/insights", "/app/plan", "/app/account",
               "/app/admin", "/app/admin/users", "/app/admin/users/fred", "/app/admin/blog", "/app/admin/blog/launch"]


def axe_scenarios(browser, server, node):
    """axe-core needs a script of its own on the page: this context alone bypasses the CSP to inject it."""
    axe = os.path.join(node, "node_modules", "axe-core", "axe.min.js")
    base = server.base
    for scheme, width in (("light", 1280), ("dark", 1280), ("light", 375)):
        ctx = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme, bypass_csp=True)
        page = ctx.new_page()
        sign_in(page, base, "grace")
        for path in AXE_SCREENS:
            if path == "/app/signin":
                continue
            goto(page, base, path)
            page.add_script_tag(path=axe)
            found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations'],
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}}))
                .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                       target: v.nodes[0] && v.nodes[0].target.join(' ')}))""")
            bad = [v for v in found if v["impact"] in ("serious", "critical")]
            check(f"axe {scheme} {width}px {path}: no serious or critical violation", not bad, bad[:4])
        page.click("header button.link:has-text('Sign out')")
        page.wait_for_selector("#signin")
        for path in ("/app/signin", "/app/signup", "/app/reset"):
            goto(page, base, path)
            page.add_script_tag(path=axe)
            found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
                .violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)""")
            check(f"axe {scheme} {width}px {path}: no serious or critical violation", not found, found)
        ctx.close()


def refresh_scenario(browser, short):
    """A server whose tokens live 60 s: the dashboard gets a fresh one before the first ends."""
    short.user("tess", "Tess Short")
    ctx = browser.new_context()
    w = Watch(ctx, "refresh")
    page = ctx.new_page()
    sign_in(page, short.base, "tess")
    first = token_of(page)
    page.wait_for_function("t => JSON.parse(sessionStorage.getItem('restume.session')).token !== t", arg=first,
                           timeout=45_000)
    check("refresh: a fresh token before the first expires", token_of(page) != first)
    time.sleep(1)
    goto(page, short.base, "/app/profile")
    check("refresh: the dashboard keeps working", page.locator("#profile").count() == 1)
    # an instance that sells plans: checkout goes to the operator's page; no portal is configured
    goto(page, short.base, "/app/plan")
    w.expect(409)
    page.click("button:has-text('Manage billing')")
    page.wait_for_selector("main .status.error")
    check("billing: no portal here, in the server's words", "does not sell plans" in page.inner_text("main .status.error"),
          page.inner_text("main .status.error"))
    # the operator's page here is JSON, whose tab asks for a /favicon.ico there is none of
    w.expect(404)
    page.click("button:has-text('Upgrade to Pro')")
    page.wait_for_url("**/v1/blog?checkout=1")
    check("billing: checkout opens the operator's address", page.url.endswith("/v1/blog?checkout=1"))
    w.done()
    ctx.close()
    with open(os.path.join(ARTIFACTS, "done"), "w") as f:
        f.write("ok\n")
