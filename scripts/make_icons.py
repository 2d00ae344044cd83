"""Draws the app's icons (manifest, apple-touch-icon) from one SVG with the Chromium of the tests.

    .venv/bin/python scripts/make_icons.py

Writes assets/icons/icon-192.png, icon-512.png (rounded square, transparent corners),
icon-maskable-512.png (full bleed, the cross inside the 80 % safe zone) and
assets/apple-touch-icon.png (180 px, full bleed: iOS rounds it itself). The PNGs are committed;
run this again only to change the drawing. Colours: the site's theme blue (#1e40af) and white.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ASSETS = Path(__file__).resolve().parents[1] / "assets"
CHROMIUM = "/usr/bin/chromium"
THEME = "#1e40af"


def svg(size: int, corner_radius: float, cross_half: float) -> str:
    """A white cross with rounded ends on the theme blue, drawn on a 512 grid and scaled to `size`."""
    arm = cross_half * 0.36  # half the arm's thickness
    c = 256
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 512 512">
  <rect width="512" height="512" rx="{corner_radius}" fill="{THEME}"/>
  <rect x="{c - arm}" y="{c - cross_half}" width="{2 * arm}" height="{2 * cross_half}" rx="{arm * 0.45}" fill="#fff"/>
  <rect x="{c - cross_half}" y="{c - arm}" width="{2 * cross_half}" height="{2 * arm}" rx="{arm * 0.45}" fill="#fff"/>
</svg>"""


ICONS = [
    # (file, size, corner radius on the 512 grid, half length of the cross)
    ("icons/icon-192.png", 192, 96, 150),
    ("icons/icon-512.png", 512, 96, 150),
    ("icons/icon-maskable-512.png", 512, 0, 120),
    ("apple-touch-icon.png", 180, 0, 135),
]


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for name, size, radius, cross in ICONS:
            page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
            page.set_content(
                f"<!doctype html><html><body style='margin:0;background:transparent'>{svg(size, radius, cross)}</body></html>"
            )
            target = ASSETS / name
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(target), omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size}
            )
            page.close()
            print(f"{target.relative_to(ASSETS.parent)}: {size}×{size}")
        browser.close()


if __name__ == "__main__":
    main()
