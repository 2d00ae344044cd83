# ruff: noqa: S603, S607 (a local benchmark starting its own tools: reflex, node, chromium)
"""Lighthouse against the portal's production build: five pages, two throttling methods, median of N runs.

    .venv/bin/python bench/lighthouse.py            # build, seed, serve, 3 runs per page and method
    .venv/bin/python bench/lighthouse.py --runs 1   # a quick look

Builds and serves the portal like the end-to-end tests (a private copy of the repository under /tmp, a
temporary SQLite database with the demo data), runs Lighthouse (npm `lighthouse` from tools/node, Node
from .venv, Debian's Chromium) with the mobile preset, once with the default simulated throttling and
once with `--throttling-method=devtools`, and writes bench/results/lighthouse.md (raw reports in
bench/results/raw/, not committed).

The logged-in page (/mon-espace) is measured in a Chromium started here with a remote-debugging port:
Playwright logs the demo member in there (the session lives in the `ea_session` cookie, which Reflex
reads in the page, so a Cookie request header alone would not do), then Lighthouse drives the same
browser (`--port`); Lighthouse does not clear cookies between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from bench.report import META_FILE, write_report  # noqa: E402
from tests.e2e.conftest import CHROMIUM, VENV_BIN, _answers_200, _stop, copy_repository, free_port  # noqa: E402

NODE = VENV_BIN / "node"
LIGHTHOUSE = REPO_ROOT / "tools" / "node" / "node_modules" / "lighthouse" / "cli" / "index.js"
RESULTS = REPO_ROOT / "bench" / "results"
RAW = RESULTS / "raw"
PUBLIC_PAGES = ["/", "/connexion", "/inscription", "/faq"]
MEMBER_PAGE = "/mon-espace"
METHODS = ["simulate", "devtools"]
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
]
DEMO_EMAIL = "claire.martin@example.fr"
DEMO_PASSWORD = "Tulipe-Horizon-47"  # the demo member of seed-demo (README), never a real account


def _env(data_dir: Path, port: int, base_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "REFLEX_DB_URL": f"sqlite:///{data_dir / 'portal.db'}",
            "PORTAL_DATA_DIR": str(data_dir),
            "PORTAL_ENV": "development",
            "PORTAL_PORT": str(port),
            "PORTAL_PUBLIC_URL": base_url,
            "REFLEX_USE_NPM": "1",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    for name in ("REFLEX_REDIS_URL", "PYTHONPATH", "SMTP_HOST"):
        env.pop(name, None)
    return env


def start_portal(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """Copy, migrate, seed, build and serve; returns the server process and its base URL."""
    port = free_port()
    base_url = f"http://localhost:{port}"
    env = _env(data_dir, port, base_url)
    app_dir = copy_repository(data_dir / "app")
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run(["python", "-m", "portal_app.cli", *command], cwd=app_dir, env=env, check=True, timeout=300)
    log_path = data_dir / "reflex.log"
    print(f"building and starting the portal on {base_url} (log: {log_path})", flush=True)
    process = subprocess.Popen(
        ["reflex", "run", "--env", "prod", "--loglevel", "warning"],
        cwd=app_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 900
    while not _answers_200(f"{base_url}/connexion/"):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            tail = log_path.read_text(errors="replace")[-4000:]
            raise SystemExit(f"the portal did not start:\n{tail}")
        time.sleep(2)
    return process, base_url


def start_member_browser(base_url: str, profile: Path) -> tuple[subprocess.Popen, int]:
    """A Chromium with a debugging port in which the demo member is logged in."""
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.support import mark, submit_login, track_hydration, url_re, wait_hydrated

    port = free_port()
    browser = subprocess.Popen(
        [CHROMIUM, *CHROME_FLAGS, f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not _answers_200(f"http://127.0.0.1:{port}/json/version"):
        if time.monotonic() > deadline:
            _stop(browser)
            raise SystemExit("Chromium did not open its debugging port")
        time.sleep(0.5)
    with sync_playwright() as playwright:
        cdp = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        context = cdp.contexts[0]
        page = context.new_page()
        page.set_default_timeout(60_000)
        track_hydration(page)
        since = mark(page)
        page.goto(f"{base_url}/connexion")
        wait_hydrated(page, since, "/connexion", timeout=60)
        since = mark(page)
        submit_login(page, DEMO_EMAIL, DEMO_PASSWORD)
        expect(page).to_have_url(url_re(MEMBER_PAGE), timeout=60_000)
        wait_hydrated(page, since, MEMBER_PAGE, timeout=60)
        cookies = {c["name"] for c in context.cookies(base_url)}
        if "ea_session" not in cookies:
            raise SystemExit(f"login did not set the session cookie (cookies: {sorted(cookies)})")
        page.close()
        # Leave the browser running: dropping Playwright's connection does not close it.
    return browser, port


def served_url(base_url: str, path: str) -> tuple[str, str]:
    """The URL that answers 200 for `path` (Reflex's static server redirects /faq to /faq/), and a note."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"{base_url}{path}", timeout=30).close()
        return f"{base_url}{path}", ""
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location", "")
        if 300 <= error.code < 400 and location:
            final = urllib.parse.urljoin(f"{base_url}{path}", location)
            return final, f"`{path}` answers {error.code} → `{urllib.parse.urlsplit(final).path}`"
        raise


def run_lighthouse(url: str, method: str, out: Path, debugging_port: int | None) -> dict:
    command = [
        str(NODE),
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility,best-practices,seo",
        f"--throttling-method={method}",
        "--quiet",
    ]
    if debugging_port is None:
        command.append(f"--chrome-flags={' '.join(CHROME_FLAGS)}")
    else:
        command.append(f"--port={debugging_port}")
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed for {url} ({method}):\n{result.stderr[-3000:]}")
    return json.loads(out.read_text())


def machine_state() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    try:
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        chromium = "?"
    lighthouse = json.loads((LIGHTHOUSE.parents[1] / "package.json").read_text())["version"]
    node = subprocess.run([str(NODE), "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{platform.node()}, {os.cpu_count()} CPUs, load average {load}; {chromium}; "
        f"Lighthouse {lighthouse}; Node {node}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per page and method (median); default 3")
    parser.add_argument("--pages", nargs="*", default=[*PUBLIC_PAGES, MEMBER_PAGE], help="paths to measure")
    parser.add_argument("--methods", nargs="*", default=METHODS, choices=METHODS, help="throttling methods")
    parser.add_argument("--url", help="measure a portal already running at this URL (no build; demo data)")
    parser.add_argument("--note", default="", help="a sentence for the table header (e.g. « busy machine »)")
    parser.add_argument("--output", type=Path, default=RESULTS / "lighthouse.md", help="the Markdown table")
    args = parser.parse_args(argv)
    # `kill PID` (or Ctrl-C, ignored in background jobs) stops the portal and the browsers it started too
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    command = shlex.join([".venv/bin/python", "bench/lighthouse.py", *(argv if argv is not None else sys.argv[1:])])
    RAW.mkdir(parents=True, exist_ok=True)
    for stale in [
        *RAW.glob("*.json"),
        RAW / META_FILE,
    ]:  # report.py rebuilds the table from what is there: only this run's
        stale.unlink(missing_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    server = browser = None
    started = datetime.now(UTC)
    state_before = machine_state()
    try:
        if args.url:
            base_url = args.url.rstrip("/")
        else:
            server, base_url = start_portal(data_dir)
        results: dict[str, dict[str, list[dict]]] = {}
        redirects: list[str] = []
        for path in args.pages:
            debugging_port = None
            if path.startswith(MEMBER_PAGE):
                if browser is None:
                    browser, member_port = start_member_browser(base_url, data_dir / "profile")
                debugging_port = member_port
            url, redirect = served_url(base_url, path)
            if redirect:
                redirects.append(redirect)
            for method in args.methods:
                for run in range(1, args.runs + 1):
                    slug = (path.strip("/") or "accueil").replace("/", "_")
                    out = RAW / f"{slug}.{method}.{run}.json"
                    print(f"{path} {method} run {run}/{args.runs}", flush=True)
                    report = run_lighthouse(url, method, out, debugging_port)
                    final = report.get("finalDisplayedUrl", "")
                    if path.startswith(MEMBER_PAGE) and "/connexion" in final:
                        raise SystemExit(f"{path} was redirected to the login page: the session did not hold")
                    results.setdefault(path, {}).setdefault(method, []).append(report)
        meta = {
            "command": command,
            "machine": f"before: {state_before}; after: load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
            "started": started.isoformat(),
            "runs": args.runs,
            "note": args.note,
            "redirects": redirects,
        }
        (RAW / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        write_report(args.output, results, public_pages=PUBLIC_PAGES, **meta)
        print(f"wrote {args.output}")
        return 0
    finally:
        if browser is not None:
            _stop(browser)
        if server is not None:
            _stop(server)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
