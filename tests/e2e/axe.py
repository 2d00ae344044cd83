"""axe-core (npm, pinned in tools/node) injected into a Playwright page: WCAG 2.1 A and AA rules."""

from __future__ import annotations

from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """The violations axe finds on the page as it is now (run it after the page has settled)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through DevTools, not as a <script> tag: the portal's Content-Security-Policy refuses an
        # inline script it does not know (and the e2e suite fails on any CSP violation).
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;void 0")
    result = page.evaluate(
        "async (tags) => await window.axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_no_axe_violations(page, what: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {what or page.url}:\n{describe(violations)}"
