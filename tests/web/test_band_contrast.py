"""A band badge keeps readable text (WCAG AA, 4.5:1) whatever colour a saved scorecard gives its band,
measured in real Chromium on app.css and the badge markup of _band.html."""

from __future__ import annotations

import re
from importlib.resources import files

from jinja2 import Environment, FileSystemLoader

from nabd.health.scorecard import Band
from nabd.web.read.bands import bands_of


COLOURS = ("red", "yellow", "green", "blue", "black", "white", "orange", "teal", "#6a1b9a", "#ff0", "#000000")


def _luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of sRGB components in 0..1."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _rgb(css: str) -> tuple[float, float, float]:
    """A computed colour, as Chromium writes it: rgb(r, g, b) in 0..255 or color(srgb r g b) in 0..1."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)][:3]
    return tuple(numbers) if css.startswith("color(") else tuple(n / 255 for n in numbers)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(_rgb(a)), _luminance(_rgb(b))), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _badges() -> str:
    """One badge per colour, rendered by the _band.html macro from the band table the pages use."""
    environment = Environment(loader=FileSystemLoader(str(files("nabd.web") / "templates")))
    macro = environment.get_template("_band.html").module.band_badge
    text = {"en": "x", "ar": "س"}
    lang = type("Lang", (), {"code": "en"})()
    badges = []
    for i, colour in enumerate(COLOURS):
        band = Band(id=f"b{i}", name=text, range=(0, 100), colour=colour, colour_name=text, action=text)
        card = type("Card", (), {"bands": [band]})()
        badges.append(str(macro(f"b{i}", bands_of(card), lang, str)))
    return "".join(badges)


def test_every_band_colour_keeps_its_badge_text_readable(browser):  # noqa: F811
    css = (files("nabd.web") / "static" / "app.css").read_text(encoding="utf-8")
    page = browser.new_page()
    try:
        page.set_content(f"<html><head><style>{css}</style></head><body>{_badges()}</body></html>")
        shown = page.eval_on_selector_all(
            ".band", "spans => spans.map(s => [s.className, getComputedStyle(s).color, getComputedStyle(s).backgroundColor])"
        )
    finally:
        page.close()
    assert len(shown) == len(COLOURS)
    assert [classes.split()[1] for classes, *_ in shown][:4] == ["band-red", "band-yellow", "band-green", "band-blue"]
    ratios = {colour: round(_contrast(text, background), 1) for colour, (_, text, background) in zip(COLOURS, shown)}
    assert min(ratios.values()) >= 4.5, ratios
