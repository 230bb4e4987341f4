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
from nabd.feedback.themes import THEME_NAMES
from nabd.report import wording
from nabd.report.charts import draw_svgs, waterfall_floor

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
    month_text = wording.month_name(figures["month"], language)
    return environment().get_template("monthly.html").render(
        left=left_sentences(figures["reasons"], month_text, language), charts=report_charts(figures, language),
        waterfall_floor=chart_specs(figures, language)["waterfall"]["floor"],
        waterfall_labels=chart_specs(figures, language)["waterfall"]["labels"],
        floor=min(shares, default=0.0),
        f=figures, lang=language, dir="rtl" if language == "ar" else "ltr", text=text, called=called,
        month_name=wording.month_name(figures["month"], language),
        previous_name=wording.month_name(figures["previous"], language),
        year_ago_name=wording.month_name(figures["year_ago"], language),
        sentences=sentences, reasons=reasons, fonts=font_faces(), generated_on=generated_on,
    )


def left_sentences(reasons: dict[str, Any], month_text: str, language: str) -> list[wording.Sentence]:
    """The report's sentences on why customers left (nabd.report.reasons), in ``language``."""
    said = [wording.churned_sentence(reasons, month_text, language), wording.exit_sentence(reasons["exit"], language)]
    said.append(wording.themes_sentence(reasons["themes"], THEME_NAMES, language))
    said.append(wording.competitors_sentence(reasons["competitors"], language))
    said.append(wording.warnings_sentence(reasons["warnings"], language))
    if reasons["notes"]["accounts"]:
        said.append(wording.notes_sentence(reasons["notes"], language))
    return said


def chart_specs(figures: dict[str, Any], language: str) -> dict[str, dict[str, Any]]:
    """The report's charts as the dashboard's data-chart specs (web/static/charts.js): the MRR waterfall from
    a floor near the MRR, churn on its own scale, GRR/NRR on theirs, CSAT % and the CES average apart. Words
    stay out of the SVG (WeasyPrint draws an SVG text letter by letter, so Arabic would come out unjoined and
    reversed): the page writes the waterfall's labels under it and each single-series chart's name above it."""
    w, t = figures["waterfall"], figures["trend"]
    keys = ["opening_mrr", *figures["movement_names"], "closing_mrr"]
    signs = [0, *(-1 if m in ("contraction", "churned") else 1 for m in figures["movement_names"]), 0]
    values = [float(w.get(k) or 0) for k in keys]
    short = {"opening_mrr": wording.label("opening", language), "closing_mrr": wording.label("closing", language)}
    texts = [wording.number(v, "money") if s == 0 else wording.number(v * s, "money", signed=True)
             for v, s in zip(values, signs, strict=True)]
    lines = {"kind": "lines", "labels": t["labels"], "width": 340, "height": 220}
    return {
        "waterfall": {"kind": "waterfall", "labelsOutside": True,
                      "labels": [short.get(k) or wording.name(k, language) for k in keys],
                      "values": values, "signs": signs, "texts": texts,
                      "floor": waterfall_floor(values[0], [v * s for v, s in zip(values[1:-1], signs[1:-1], strict=True)], values[-1])},
        "churn": {**lines, "percent": True, "min": 0, "hideLegend": True,
                  "series": [{"name": wording.name("customer_churn", language), "values": t["churn_rate"]}]},
        "retention": {**lines, "percent": True, "scale": True, "series": [
            {"name": "GRR", "values": t["grr"]}, {"name": "NRR", "values": t["nrr"]}]},
        "csat": {**lines, "scale": True, "hideLegend": True, "series": [{"name": wording.name("csat", language), "values": t["csat"]}]},
        "ces": {**lines, "min": 1, "max": 7, "hideLegend": True, "series": [{"name": wording.name("ces_mean", language), "values": t["ces_mean"]}]},
    }


def report_charts(figures: dict[str, Any], language: str) -> dict[str, str] | None:
    """The charts of :func:`chart_specs` as inline SVG (nabd.report.charts); None without Node."""
    specs = chart_specs(figures, language)
    drawn = draw_svgs(list(specs.values()), rtl=language == "ar")
    return None if drawn is None else dict(zip(specs, drawn, strict=True))


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
