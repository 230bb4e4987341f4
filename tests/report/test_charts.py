"""The report's charts: the dashboard's own ECharts option builder run by Node into SVG, a waterfall axis that
starts near the MRR, and a report that says so when Node is missing."""

from __future__ import annotations

import re

from nabd.report.charts import draw_svgs, waterfall_floor
from nabd.report.monthly import monthly_report
from tests.report.conftest import TODAY


def test_the_waterfall_floor_is_half_the_levels_span_below_the_lowest_level_rounded_down():
    # levels 187,000 -> 189,719 -> 188,948 -> 187,048: span 2,671, pad 1,900 (1% of 189,719 > 1,335.5)
    assert waterfall_floor(187_000, [2_719, -771, -1_900], 187_048) == 185_000  # 187,000 - 1,897 -> 185,000 (step 1,000)
    assert waterfall_floor(100, [-95], 5) == 0  # falls near 0: from 0


def test_node_draws_each_spec_as_an_svg_with_its_words():
    specs = [{"kind": "waterfall", "labels": ["Opening", "New", "Closing"], "values": [100.0, 20.0, 120.0],
              "signs": [0, 1, 0], "texts": ["100", "+20", "120"], "floor": 50},
             {"kind": "lines", "labels": ["2026-09", "2026-10"], "percent": True,
              "series": [{"name": "Customer churn", "values": [0.02, 0.035]}]}]
    waterfall, lines = draw_svgs(specs, rtl=False)
    assert waterfall.startswith("<svg") and all(word in waterfall for word in ("Opening", "New", "Closing", "+20"))
    assert ">50<" in waterfall or ">60<" in waterfall  # the value axis starts at the floor, not at 0
    assert "Customer churn" in lines and 'xml:space="preserve"' not in lines
    assert re.search(r">\d\.\d%<", lines)  # a churn rate of a few percent: ticks to a tenth of a point


def test_without_node_the_report_keeps_its_tables_and_says_its_charts_are_missing(scored_demo, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no node on the path
    assert draw_svgs([{"kind": "lines", "labels": [], "series": []}], rtl=False) is None
    report = monthly_report(scored_demo, "2026-10", "en", today=TODAY)
    assert "The charts need Node.js" in report.html and "<svg" not in report.html
    assert "MRR waterfall" in report.html and "Closing MRR" in report.html
