"""The Markdown table of bench/lighthouse.py: medians per page and throttling method, against the targets.

Works on Lighthouse JSON reports (LHR), so `python bench/report.py` rebuilds the table from
bench/results/raw/ without measuring again.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

CATEGORIES = [("performance", "perf"), ("accessibility", "a11y"), ("best-practices", "BP"), ("seo", "SEO")]
# Targets of issue 6 (perf on every page; a11y, BP and SEO at 100 on the public pages).
PERF_MIN = 98
PUBLIC_MIN = 100
LCP_MAX_S = {"simulate": 2.0, "devtools": 1.3}
BLOCKING_CSS_MAX_KB = 10
JS_MAX_KB = 160
META_FILE = "run-meta.txt"  # JSON: command, machine, start, runs, note, redirects of the measuring run
METHOD_NAMES = {"simulate": "simulated (default)", "devtools": "devtools"}


def _items(details: object) -> Iterator[dict]:
    """Every row of an audit's details, tables nested in lists included."""
    if isinstance(details, dict):
        for item in details.get("items", []) or []:
            if isinstance(item, dict) and item.get("type") in {"table", "list", "opportunity", "checklist"}:
                yield from _items(item)
            elif isinstance(item, dict):
                yield item


def _audit(report: dict, name: str) -> dict:
    return report.get("audits", {}).get(name, {}) or {}


def _requests(report: dict) -> list[dict]:
    return list(_items(_audit(report, "network-requests").get("details")))


def _kb(size: float) -> float:
    return size / 1024


def metrics(report: dict) -> dict[str, float | None]:
    """The figures of one report: scores ×100, times in seconds, sizes in KB (transfer sizes)."""
    values: dict[str, float | None] = {}
    for category, short in CATEGORIES:
        score = report.get("categories", {}).get(category, {}).get("score")
        values[short] = None if score is None else round(score * 100)
    for audit, short in (("first-contentful-paint", "FCP"), ("largest-contentful-paint", "LCP")):
        value = _audit(report, audit).get("numericValue")
        values[short] = None if value is None else value / 1000
    values["TBT"] = _audit(report, "total-blocking-time").get("numericValue")
    requests = _requests(report)
    values["JS"] = _kb(sum(r.get("transferSize", 0) or 0 for r in requests if r.get("resourceType") == "Script"))
    values["CSS"] = _kb(sum(r.get("transferSize", 0) or 0 for r in requests if r.get("resourceType") == "Stylesheet"))
    blocking = [r for r in _items(_audit(report, "render-blocking-insight").get("details")) if "url" in r]
    values["blockingCSS"] = _kb(sum(r.get("totalBytes", 0) or 0 for r in blocking if _is_css(r["url"], requests)))
    return values


def _is_css(url: str, requests: list[dict]) -> bool:
    for request in requests:
        if request.get("url") == url:
            return request.get("resourceType") == "Stylesheet"
    return bool(re.search(r"\.css(\?|$)", url))


def median_metrics(reports: list[dict]) -> dict[str, float | None]:
    per_run = [metrics(r) for r in reports]
    result: dict[str, float | None] = {}
    for key in per_run[0]:
        values = [m[key] for m in per_run if m[key] is not None]
        result[key] = statistics.median(values) if values else None
    return result


def median_report(reports: list[dict]) -> dict:
    """The run whose performance score and LCP are nearest the medians (for the cost breakdown)."""
    medians = median_metrics(reports)

    def distance(report: dict) -> float:
        m = metrics(report)
        return abs((m["perf"] or 0) - (medians["perf"] or 0)) + abs((m["LCP"] or 0) - (medians["LCP"] or 0)) * 10

    return min(reports, key=distance)


def misses(path: str, method: str, m: dict[str, float | None], public: bool) -> list[str]:
    missed = []
    if m["perf"] is not None and m["perf"] < PERF_MIN:
        missed.append(f"perf {m['perf']:.0f} < {PERF_MIN}")
    if public:
        for short in ("a11y", "BP", "SEO"):
            if m[short] is not None and m[short] < PUBLIC_MIN:
                missed.append(f"{short} {m[short]:.0f} < {PUBLIC_MIN}")
    if m["LCP"] is not None and m["LCP"] > LCP_MAX_S[method]:
        missed.append(f"LCP {m['LCP']:.2f} s > {LCP_MAX_S[method]} s")
    if m["blockingCSS"] is not None and m["blockingCSS"] > BLOCKING_CSS_MAX_KB:
        missed.append(f"render-blocking CSS {m['blockingCSS']:.1f} KB > {BLOCKING_CSS_MAX_KB} KB")
    if m["JS"] is not None and m["JS"] > JS_MAX_KB:
        missed.append(f"JS {m['JS']:.0f} KB > {JS_MAX_KB} KB")
    return missed


def _fmt(value: float | None, digits: int = 0, unit: str = "") -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def _short_url(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url) or "/"


def costs(report: dict) -> list[str]:
    """Which resources cost what in one report: LCP breakdown, render-blocking requests, largest JS/CSS."""
    lines = []
    lcp = _audit(report, "lcp-breakdown-insight")
    parts = [
        f"{row.get('label', row.get('subpart', '?'))} {row['duration']:.0f} ms"
        for row in _items(lcp.get("details"))
        if isinstance(row.get("duration"), int | float)
    ]
    element = next(
        (
            f"{row.get('snippet', '')} « {row.get('nodeLabel', '')} »"
            for row in _items(lcp.get("details"))
            if row.get("type") == "node"
        ),
        None,
    )
    if parts:
        lines.append("LCP breakdown: " + ", ".join(parts) + (f" — element `{element[:110]}`" if element else ""))
    observed = (_audit(report, "metrics").get("details") or {}).get("items", [{}])[0]
    observed_lcp = observed.get("observedLargestContentfulPaint")
    if isinstance(observed_lcp, int | float):
        before = [r for r in _requests(report) if (r.get("networkRequestTime") or 0) < observed_lcp]
        scripts = [r for r in before if r.get("resourceType") == "Script"]
        lines.append(
            f"observed (unthrottled) LCP at {observed_lcp:.0f} ms; requests started before it, which the simulated "
            f"LCP counts: {len(before)} ({_kb(sum(r.get('transferSize', 0) or 0 for r in before)):.1f} KB), "
            f"of which {len(scripts)} scripts ({_kb(sum(r.get('transferSize', 0) or 0 for r in scripts)):.1f} KB)"
        )
    tbt = _audit(report, "total-blocking-time").get("numericValue")
    long_tasks = list(_items(_audit(report, "long-tasks").get("details")))[:3]
    if tbt and long_tasks:
        lines.append(
            f"TBT {tbt:.0f} ms; longest tasks: "
            + ", ".join(f"{_short_url(t.get('url', '?'))} {t.get('duration', 0):.0f} ms" for t in long_tasks)
        )
    blocking = [r for r in _items(_audit(report, "render-blocking-insight").get("details")) if "url" in r]
    if blocking:
        lines.append(
            "render-blocking: "
            + ", ".join(
                f"`{_short_url(r['url'])}` {_kb(r.get('totalBytes', 0) or 0):.1f} KB"
                + (f" (~{r['wastedMs']:.0f} ms)" if isinstance(r.get("wastedMs"), int | float) else "")
                for r in blocking
            )
        )
    sized = sorted(
        (r for r in _requests(report) if r.get("resourceType") in {"Script", "Stylesheet", "Document", "Font"}),
        key=lambda r: -(r.get("transferSize", 0) or 0),
    )
    if sized:
        lines.append(
            "largest requests (transfer): "
            + ", ".join(f"`{_short_url(r['url'])}` {_kb(r.get('transferSize', 0) or 0):.1f} KB" for r in sized[:6])
        )
    failing = [
        audit.get("title", name)
        for name, audit in report.get("audits", {}).items()
        if audit.get("score") is not None
        and audit.get("score") < 1
        and audit.get("scoreDisplayMode") == "binary"
        and name not in {"render-blocking-insight"}
    ]
    if failing:
        lines.append("failed checks: " + "; ".join(failing[:8]))
    return lines


def write_report(
    output: Path,
    results: dict[str, dict[str, list[dict]]],
    *,
    command: str,
    machine: str,
    started: datetime | str,
    runs: int,
    public_pages: list[str],
    note: str = "",
    redirects: list[str] | None = None,
) -> None:
    first = next(iter(next(iter(results.values())).values()))[0]
    if isinstance(started, str):
        started = datetime.fromisoformat(started)
    lines = [
        "# Lighthouse: production build, mobile preset",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC with `{command}` — median of {runs} run(s) per page and "
        f"throttling method. Lighthouse {first.get('lighthouseVersion', '?')}.",
        "",
        f"Machine: {machine}.",
    ]
    if note:
        lines += ["", f"**{note}**"]
    if redirects:
        lines += [
            "",
            "Measured at the URL the server answers 200 for: "
            + ", ".join(redirects)
            + " (Reflex's static file server, for a page that has sub-pages or a folder). A visitor arriving "
            "from a link without the final slash pays that redirect too: Lighthouse estimates it at about "
            "600 ms on its mobile network (its « Avoid multiple page redirects » audit, when measured at the "
            "typed URL). After hydration the portal's own links navigate without reloading.",
        ]
    lines += [
        "",
        f"Targets: perf ≥ {PERF_MIN}; a11y, BP, SEO = {PUBLIC_MIN} on public pages; LCP ≤ {LCP_MAX_S['simulate']} s "
        f"simulated, ≤ {LCP_MAX_S['devtools']} s devtools; render-blocking CSS ≤ {BLOCKING_CSS_MAX_KB} KB; "
        f"JS ≤ {JS_MAX_KB} KB compressed. Sizes are transfer sizes (compressed) in KB; ✗ marks a miss. "
        "The member area is closed to search engines (robots.txt), hence its SEO score, which no target covers.",
    ]
    all_misses: list[tuple[str, str, list[str], dict]] = []
    for method in ("simulate", "devtools"):
        rows = [(path, per_method[method]) for path, per_method in results.items() if method in per_method]
        if not rows:
            continue
        lines += [
            "",
            f"## Throttling: {METHOD_NAMES[method]}",
            "",
            "| page | perf | a11y | BP | SEO | FCP | LCP | TBT | JS KB | CSS KB | render-blocking CSS KB | target |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for path, reports in rows:
            m = median_metrics(reports)
            public = path in public_pages
            missed = misses(path, method, m, public)
            if missed:
                all_misses.append((path, method, missed, median_report(reports)))
            lines.append(
                f"| `{path}`{'' if public else ' (logged in)'} | {_fmt(m['perf'])} | {_fmt(m['a11y'])} | "
                f"{_fmt(m['BP'])} | {_fmt(m['SEO'])} | {_fmt(m['FCP'], 2, ' s')} | {_fmt(m['LCP'], 2, ' s')} | "
                f"{_fmt(m['TBT'], 0, ' ms')} | {_fmt(m['JS'], 1)} | {_fmt(m['CSS'], 1)} | "
                f"{_fmt(m['blockingCSS'], 1)} | {'✗ ' + '; '.join(missed) if missed else '✓'} |"
            )
    warnings = sorted(
        {
            re.sub(r"\s*\[.*", "", warning).strip()
            for per_method in results.values()
            for reports in per_method.values()
            for report in reports
            for warning in report.get("runWarnings", [])
        }
    )
    if warnings:
        lines += ["", "Lighthouse's warnings during these runs: " + " / ".join(f"« {w} »" for w in warnings)]
    if all_misses:
        lines += ["", "## Where the misses come from (the run nearest the median)"]
        for path, method, missed, report in all_misses:
            lines += ["", f"### `{path}`, {METHOD_NAMES[method]}: {'; '.join(missed)}", ""]
            lines += [f"- {line}" for line in costs(report)] or ["- (no breakdown in the report)"]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Rebuild the table from the raw reports `<page>.<method>.<run>.json` (bench/results/raw/ or a folder given)."""
    args = sys.argv[1:] if argv is None else argv
    raw = Path(args[0]) if args else Path(__file__).resolve().parent / "results" / "raw"
    output = Path(args[1]) if len(args) > 1 else Path(__file__).resolve().parent / "results" / "lighthouse.md"
    results: dict[str, dict[str, list[dict]]] = {}
    runs = 0
    for file in sorted(raw.glob("*.json")):
        slug, method, run = file.name.rsplit(".", 3)[:3]
        path = "/" if slug == "accueil" else "/" + slug.replace("_", "/")
        results.setdefault(path, {}).setdefault(method, []).append(json.loads(file.read_text()))
        runs = max(runs, int(run))
    if not results:
        print(f"no reports in {raw}", file=sys.stderr)
        return 1
    order = ["/", "/connexion", "/inscription", "/faq", "/mon-espace"]
    results = dict(
        sorted(results.items(), key=lambda item: (order.index(item[0]) if item[0] in order else 99, item[0]))
    )
    meta_file = raw / META_FILE
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    meta.setdefault("command", "(not recorded)")
    meta["note"] = " ".join(
        filter(None, [meta.get("note"), "(Table rebuilt from the raw reports by bench/report.py.)"])
    )
    meta.setdefault("machine", "not recorded")
    meta.setdefault("started", datetime.now(UTC).isoformat())
    meta["runs"] = meta.get("runs", runs)
    write_report(output, results, public_pages=["/", "/connexion", "/inscription", "/faq"], **meta)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
