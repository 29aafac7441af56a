"""Browser suite for the dashboard /app (SPEC §10), in Debian's Chromium
driven by Playwright, against the real binary with a fresh database.

Scenarios (each saves screenshots in target/browser-artifacts/app/):
- a new owner signs up through the UI, fills the profile and every section,
  sees a validation error at its field, reorders by keyboard and by drag,
  edits and deletes rows, imports the sample JSON Resume and exports it,
  creates a key (shown once, works) and revokes it (stops working), changes
  theme and sees the preview change, and sees one view counted after opening
  the public page in another tab (the preview frames count none);
- a free owner sees the Pro screens explained;
- a 401 returns to the sign-in screen and back to the screen, with the form's
  typed values kept; deep links and the back button; sign out everywhere;
  the token is refreshed before it expires (a server with a 60 s lifetime);
- an admin (made with `restume admin promote`) sees the KPIs, finds the owner,
  grants Pro, and the owner's screens unlock after a reload; disables and
  enables a user, makes a reset token, rebuilds the search index; writes a
  post with a Markdown preview that then appears on /v1/blog, and imports one;
- the owner changes the password and deletes the account.
Across the suite: no console error and no CSP violation (a failed request's
own console line is allowed only for the refusals the scenario provokes),
no horizontal scroll at 375 px, and with --node DIR, axe-core finds no
serious or critical violation on the main screens, light and dark.

Usage: app_suite.py BINARY [--docs DIR] [--node DIR]   (prints 'N passed, N failed')
"""

import os
import shutil
import sys
import tempfile

from playwright.sync_api import sync_playwright

from app_admin import admin_scenarios, axe_scenarios, refresh_scenario
from app_common import ARTIFACTS, CHROMIUM_ARGS, Server, results
from app_owner import owner_scenarios

def main():
    binary = sys.argv[1]
    docs = sys.argv[sys.argv.index("--docs") + 1] if "--docs" in sys.argv else None
    node = sys.argv[sys.argv.index("--node") + 1] if "--node" in sys.argv else None
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    os.makedirs(ARTIFACTS)
    tmp = tempfile.mkdtemp(prefix="restume-app-")
    server = Server(binary, tmp, "main")
    short = None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            try:
                owner = owner_scenarios(browser, server, docs, tmp)
                admin_scenarios(browser, server, docs, owner, tmp)
                if node:
                    axe_scenarios(browser, server, node)
                short = Server(binary, tmp, "short", "--jwt-ttl", "60",
                               "--billing-checkout-url", "{base}/v1/blog?checkout=1")
                refresh_scenario(browser, short)
            except Exception:
                # what each open page showed when a step gave up
                for i, ctx in enumerate(browser.contexts):
                    for j, page in enumerate(ctx.pages):
                        page.screenshot(path=os.path.join(ARTIFACTS, f"failure-{i}-{j}.png"), full_page=True)
                        print(f"page {i}-{j} at {page.url}: {page.inner_text('body')[:600]!r}")
                raise
            browser.close()
    finally:
        server.stop()
        if short:
            short.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(ok for _, ok in results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
