"""The build step that inlines Reflex's stylesheet into the prerendered pages (portal_app/first_paint.py)."""

from __future__ import annotations

from pathlib import Path

from portal_app import first_paint

CSS = ".flex{display:flex}.text-blue-900{color:#1c398e}"
HEAD = (
    '<!DOCTYPE html><html lang="fr"><head><meta charSet="utf-8"/>'
    '<link as="style" href="/assets/__reflex_global_styles-Bt.css" rel="preload"/>'
    "<title>Connexion – Espace Assistance</title>"
    '<link rel="modulepreload" href="/assets/manifest-64.js"/>'
    '<link rel="modulepreload" href="/assets/entry.client-Cu.js"/>'
    '<link href="/assets/__reflex_global_styles-Bt.css" rel="stylesheet" type="text/css"/>'
    '</head><body><div class="flex">Bonjour</div></body></html>'
)


def write_build(tmp_path: Path, css: str = CSS) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "__reflex_global_styles-Bt.css").write_text(css, encoding="utf-8")
    (tmp_path / "connexion.html").write_text(HEAD, encoding="utf-8")
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "index.html").write_text(HEAD, encoding="utf-8")
    return tmp_path


def test_the_stylesheet_is_inlined_in_every_page_and_its_links_block_nothing(tmp_path):
    build = write_build(tmp_path)

    assert first_paint.inline_stylesheets(build) == 2

    for page in (build / "connexion.html", build / "faq" / "index.html"):
        html = page.read_text(encoding="utf-8")
        # the rules, then the link React needs to find when it hydrates (same rel and href), for print only
        assert (
            f'<style data-inlined-from="/assets/__reflex_global_styles-Bt.css">{CSS}</style>'
            '<link media="print" href="/assets/__reflex_global_styles-Bt.css" rel="stylesheet" type="text/css"/>'
        ) in html
        assert '<link media="print" as="style" href="/assets/__reflex_global_styles-Bt.css" rel="preload"/>' in html
        assert html.count("<link") == 4 and html.count('media="print"') == 2
        assert html.index("<style") < html.index("</head>")
        assert "<title>Connexion – Espace Assistance</title>" in html


def test_module_preloads_get_a_low_fetch_priority(tmp_path):
    build = write_build(tmp_path)
    first_paint.inline_stylesheets(build)
    html = (build / "connexion.html").read_text(encoding="utf-8")
    assert html.count('<link rel="modulepreload" fetchpriority="low" href=') == 2
    assert html.count("modulepreload") == 2


def test_running_twice_changes_nothing_more(tmp_path):
    build = write_build(tmp_path)
    first_paint.inline_stylesheets(build)
    once = (build / "connexion.html").read_text(encoding="utf-8")
    assert first_paint.inline_stylesheets(build) == 0
    assert (build / "connexion.html").read_text(encoding="utf-8") == once


def test_a_stylesheet_with_relative_urls_stays_a_link(tmp_path):
    """Inlined at /connexion, url(font.woff2) would point outside /assets/."""
    build = write_build(tmp_path, css="@font-face{src:url(font.woff2)}")
    first_paint.inline_stylesheets(build)
    html = (build / "connexion.html").read_text(encoding="utf-8")
    assert "<style" not in html and "media=" not in html  # still a normal, render-blocking link and preload


def test_a_stylesheet_closing_the_style_element_or_too_large_stays_a_link(tmp_path):
    for css in ("a{}</style><script>alert(1)</script>", "a{color:red}" * 10_000):
        page = first_paint.inline_page(HEAD, lambda _href, css=css: css)
        assert "<style" not in page and "media=" not in page


def test_a_missing_or_outside_stylesheet_stays_a_link(tmp_path):
    (tmp_path / "connexion.html").write_text(
        HEAD.replace("/assets/__reflex_global_styles-Bt.css", "/assets/../../etc/x.css"), encoding="utf-8"
    )
    first_paint.inline_stylesheets(tmp_path)
    html = (tmp_path / "connexion.html").read_text(encoding="utf-8")
    assert "<style" not in html and "media=" not in html


def test_rxconfig_runs_the_step_after_the_build():
    import rxconfig

    names = [type(p).__name__ for p in rxconfig.config.plugins]
    assert "InlineStylesheetPlugin" in names


BOOT = (
    '<script type="module" async="">import "/assets/manifest-64.js";\n'
    'import * as route0 from "/assets/root-ks.js";\n'
    'import * as route1 from "/assets/_connexion_._index-B7.js";\n'
    "  \n"
    '  window.__reactRouterRouteModules = {"root":route0,"routes/[connexion]._index":route1};\n\n'
    'import("/assets/entry.client-Cu.js");</script>'
)


def test_the_start_up_script_waits_for_the_first_frame_and_brings_its_own_preloads():
    page = first_paint.defer_start(HEAD.replace("</body>", BOOT + "</body>"))

    assert 'rel="modulepreload"' not in page  # nothing fetched before the first paint
    script = page.split('<script type="module" async="">', 1)[1].split("</script>", 1)[0]
    assert "requestAnimationFrame(() => setTimeout(start, 0))" in script
    assert "document.visibilityState === 'hidden'" in script
    assert '["/assets/manifest-64.js", "/assets/entry.client-Cu.js"]' in script  # the preloads, added by start
    # same modules, same order of effects: the manifest, the route modules, then the entry
    assert script.index('await import("/assets/manifest-64.js")') < script.index("const [route0, route1] = await")
    assert 'Promise.all([import("/assets/root-ks.js"), import("/assets/_connexion_._index-B7.js")])' in script
    assert script.index("__reactRouterRouteModules = {") < script.index('import("/assets/entry.client-Cu.js")')
    assert not any(line.startswith("import ") for line in script.splitlines())  # no static import left
    assert first_paint.defer_start(page) == page  # once only


def test_an_unknown_start_up_script_is_left_alone():
    odd = BOOT.replace('import("/assets/entry.client-Cu.js");', 'import { x } from "/assets/y.js";')
    page = HEAD.replace("</body>", odd + "</body>")
    assert first_paint.defer_start(page) == page
    assert first_paint.defer_start(HEAD) == HEAD  # no start-up script at all
