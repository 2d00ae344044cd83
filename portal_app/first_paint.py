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
  spends the connection on JavaScript;
- the start-up module script (React Router's: static imports of the manifest and route modules, then
  `import(entry.client)`) waits for the first frame (`requestAnimationFrame` then a task) before it
  fetches anything, and adds the module preloads itself then (they leave the HTML): the page paints
  from the HTML without a byte of JavaScript in the way, then hydrates as before. A hidden tab (opened in
  the background) starts at once, since it paints nothing anyway.

Pure string work on the exported files: no `import reflex` needed to test it.
"""

from __future__ import annotations

import json
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
_MODULE_PRELOAD_TAG = re.compile(r'<link rel="modulepreload"(?: fetchpriority="low")? href="(/assets/[^"<>]+\.js)"/>')
_BOOT_SCRIPT = re.compile(
    r'<script type="module" async="">((?:(?!</script>).)*?__reactRouterRouteModules.*?)</script>', re.S
)
_STATIC_IMPORT = re.compile(r'import (?:\* as (\w+) from )?"(/assets/[^"\\]+\.js)";')
_DEFERRED_MARK = "__portalDeferredStart"


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


def defer_start(html: str) -> str:
    """The page with React Router's start-up script run after the first paint (unchanged if unexpected)."""
    match = _BOOT_SCRIPT.search(html)
    if match is None or _DEFERRED_MARK in html:
        return html
    body = match.group(1)
    imports: list[tuple[str, str]] = []
    position = 0
    while True:
        found = _STATIC_IMPORT.match(body, position)
        if found is None:
            break
        imports.append((found.group(1) or "", found.group(2)))
        position = found.end()
        while position < len(body) and body[position].isspace():
            position += 1
    rest = body[position:]
    if not imports or "import " in _STATIC_IMPORT.sub("", rest).replace("import(", ""):
        return html  # not the shape this step knows: leave the page as Reflex built it
    preloads = _MODULE_PRELOAD_TAG.findall(html)
    side_effects = "".join(f"await import({json.dumps(href)});" for name, href in imports if not name)
    named = [(name, href) for name, href in imports if name]
    load_named = (
        f"const [{', '.join(n for n, _ in named)}] = await Promise.all([{', '.join(f'import({json.dumps(h)})' for _, h in named)}]);"
        if named
        else ""
    )
    script = (
        f"const start = async () => {{ if (window.{_DEFERRED_MARK}) return; window.{_DEFERRED_MARK} = true;"
        f" for (const href of {json.dumps(preloads)}) {{ const link = document.createElement('link');"
        " link.rel = 'modulepreload'; link.href = href; document.head.appendChild(link); }"
        f" {side_effects} {load_named}\n{rest}\n}};\n"
        "if (document.visibilityState === 'hidden') start();"
        " else requestAnimationFrame(() => setTimeout(start, 0));"
    )
    html = html[: match.start(1)] + script + html[match.end(1) :]
    return _MODULE_PRELOAD_TAG.sub("", html)


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
        new = defer_start(inline_page(html, read_css))
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
