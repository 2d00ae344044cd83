"""A build step for a faster first paint: Reflex's small stylesheet inlined into every prerendered page.

`reflex export` / `reflex run --env prod` emit pages whose <head> links one global stylesheet
(Tailwind's output, ~17 KB raw, ~4 KB compressed): a render-blocking request before any text shows.
After the build (and before Reflex compresses the output), `InlineStylesheetPlugin.post_build`
rewrites each HTML file:

- the same CSS goes into a <style> just before the stylesheet <link>, so the page paints from the HTML
  alone;
- the stylesheet <link> and its preload stay (React hydrates the <head> by matching each <link>'s rel
  and href: without them it throws away the prerendered page, error #418) but get `media="print"`:
  a stylesheet for another medium blocks nothing and a preload for another medium is not fetched
  early (the print rules are in the <style> too, so printing is unchanged);
- the module preloads get `fetchpriority="low"`, so the browser fetches the page and paints before it
  spends the connection on JavaScript.

Pure string work on the exported files: no `import reflex` needed to test it.
"""

from __future__ import annotations

import re
from pathlib import Path

MAX_INLINE_BYTES = 60_000  # a stylesheet larger than this stays a link (inlining it would slow every page)

_STYLESHEET_LINK = re.compile(
    r'<link(?=[^>]*\brel="stylesheet")(?![^>]*\bmedia=)(?=[^>]*\bhref="(/assets/[^"]+\.css)")[^>]*/?>'
)
_PRELOAD_LINK = re.compile(
    r'<link(?=[^>]*\bas="style")(?=[^>]*\brel="preload")(?![^>]*\bmedia=)(?=[^>]*\bhref="([^"]+)")'
)
_RELATIVE_URL = re.compile(r"""url\(\s*["']?(?![a-z]+:|/|#)""", re.IGNORECASE)
_MODULE_PRELOAD = re.compile(r'<link rel="modulepreload"(?![^>]*fetchpriority)')


def inline_page(html: str, read_css) -> str:
    """The page with its local stylesheets inlined; `read_css(href)` returns a stylesheet's text or None."""

    def replace(match: re.Match) -> str:
        css = read_css(match.group(1))
        if css is None or len(css.encode()) > MAX_INLINE_BYTES:
            return match.group(0)
        if "</style" in css.lower() or _RELATIVE_URL.search(css):  # would break out of, or move, the rules
            return match.group(0)
        inlined.add(match.group(1))
        link = match.group(0).replace("<link", '<link media="print"', 1)
        return f'<style data-inlined-from="{match.group(1)}">{css}</style>{link}'

    inlined: set[str] = set()
    html = _STYLESHEET_LINK.sub(replace, html)
    # The preload was there to fetch the stylesheet early; its content is now in the page.
    html = _PRELOAD_LINK.sub(lambda m: m.group(0) + ' media="print"' if m.group(1) in inlined else m.group(0), html)
    return _MODULE_PRELOAD.sub('<link rel="modulepreload" fetchpriority="low"', html)


def inline_stylesheets(static_dir: Path) -> int:
    """Rewrite every HTML file under `static_dir`; returns how many changed."""
    cache: dict[str, str | None] = {}

    def read_css(href: str) -> str | None:
        if href not in cache:
            file = (static_dir / href.lstrip("/")).resolve()
            inside = static_dir.resolve() in file.parents
            cache[href] = file.read_text(encoding="utf-8") if inside and file.is_file() else None
        return cache[href]

    changed = 0
    for page in static_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        new = inline_page(html, read_css)
        if new != html:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def plugin():
    """The Reflex plugin for rxconfig.py (imported late: this module stays free of reflex)."""
    from reflex.plugins.base import Plugin

    class InlineStylesheetPlugin(Plugin):
        def post_build(self, **context) -> None:
            inline_stylesheets(Path(context["static_dir"]))

    return InlineStylesheetPlugin()
