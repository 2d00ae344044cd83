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
