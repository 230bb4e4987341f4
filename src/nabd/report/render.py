"""The report as HTML (Jinja, right-to-left in Arabic, the vendored Noto fonts embedded) and as PDF
(WeasyPrint from that HTML; no network: every font is in the page and no URL is fetched)."""

from __future__ import annotations

import base64
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from nabd.errors import NabdError
from nabd.report import wording

FONTS = (("Noto Sans", 400, "noto-sans-latin-400-normal"), ("Noto Sans", 700, "noto-sans-latin-700-normal"),
         ("Noto Sans Arabic", 400, "noto-sans-arabic-arabic-400-normal"),
         ("Noto Sans Arabic", 700, "noto-sans-arabic-arabic-700-normal"))


@lru_cache(maxsize=1)
def font_faces() -> str:
    """@font-face rules for the web app's vendored fonts, as data URLs (the page needs no file or server)."""
    folder = files("nabd").joinpath("web/static/vendor/fonts")  # the one vendored copy, read as data
    rules = []
    for family, weight, stem in FONTS:
        data = base64.b64encode(folder.joinpath(f"{stem}.woff2").read_bytes()).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                     f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}')
    return "\n".join(rules)


def shade(share: float, floor: float) -> float:
    """A cohort cell's colour strength: 0.1 at the table's lowest retention ``floor``, 0.85 at 100%."""
    span = 1.0 - floor
    return round(0.1 + 0.75 * ((share - floor) / span if span > 0 else 1.0), 2)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("nabd.report", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(number=wording.number, change_parts=wording.change_parts, group_name=wording.group_name, shade=shade)
    return env


def render_html(figures: dict[str, Any], why: dict[str, dict[str, list[dict[str, Any]]]], language: str,
                generated_on: date | None = None) -> str:
    """The report page in ``language`` ("ar" right-to-left, "en")."""
    def text(key: str) -> str:
        return wording.label(key, language)

    def called(key: str) -> str:
        return wording.name(key, language)

    headline_of = {h["key"]: h for h in figures["headlines"]}
    sentences = {key: wording.headline_sentence(h, language) for key, h in headline_of.items() if h["change"] is not None}
    reasons = {key: [(by, wording.why_sentence(headline_of[key], by, rows, language)) for by, rows in splits.items() if rows]
               for key, splits in why.items()}
    shares = [share for row in figures["cohorts"]["rows"] for share in row["retention"].values() if share is not None]
    return environment().get_template("monthly.html").render(
        floor=min(shares, default=0.0),
        f=figures, lang=language, dir="rtl" if language == "ar" else "ltr", text=text, called=called,
        month_name=wording.month_name(figures["month"], language),
        previous_name=wording.month_name(figures["previous"], language),
        year_ago_name=wording.month_name(figures["year_ago"], language),
        sentences=sentences, reasons=reasons, fonts=font_faces(), generated_on=generated_on,
    )


def render_pdf(html: str) -> bytes:
    """The PDF of the report's HTML (WeasyPrint; Pango shapes the Arabic). Fetches nothing."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # the extra is missing, or Pango is not installed
        raise NabdError(f"a PDF report needs WeasyPrint and Pango: pip install 'nabd[report]' ({error})") from None

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if url.startswith("data:"):
            from weasyprint.urls import default_url_fetcher
            return default_url_fetcher(url, *args, **kwargs)
        raise NabdError(f"the report may not fetch {url}")

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()
