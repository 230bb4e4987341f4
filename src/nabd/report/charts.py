"""The report's charts: the dashboard's ECharts charts (web/static/charts.js, the same option builder) drawn
as SVG by Node with the vendored ECharts, for the PDF; and the shared rule of where a waterfall's axis starts.

No network: Node runs the two vendored files from the package. Without Node (the `nodejs` package) the report
says that its charts are missing and keeps its tables."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from importlib.resources import files
from typing import Any

NODE_TIMEOUT_SECONDS = 60


def waterfall_levels(opening: float, changes: list[float]) -> list[float]:
    """The running totals of a waterfall: opening, then after each signed change."""
    levels = [float(opening)]
    for change in changes:
        levels.append(levels[-1] + float(change))
    return levels


def waterfall_floor(opening: float, changes: list[float], closing: float) -> float:
    """Where a waterfall's value axis starts: low - pad rounded down to a round step, where low and high are the
    lowest and highest running totals (and the closing), pad = max((high - low) / 2, 1% of high); 0 when that
    falls to or below 0. So a $771 move on $187k fills about a tenth of the plot instead of a hairline."""
    levels = [*waterfall_levels(opening, changes), float(closing)]
    low, high = min(levels), max(levels)
    if low <= 0 or high <= 0:
        return 0.0
    pad = max((high - low) / 2, high * 0.01)
    step = 10 ** math.floor(math.log10(pad))
    floor = math.floor((low - pad) / step) * step
    return float(floor) if floor > 0 else 0.0


def node_available() -> bool:
    return shutil.which("node") is not None


def draw_svgs(specs: list[dict[str, Any]], rtl: bool, width: int = 680, height: int = 300,
              font: str = "Noto Sans, Noto Sans Arabic, sans-serif") -> list[str] | None:
    """Each chart spec (the dashboard's data-chart JSON) drawn as an SVG string by ECharts server-side rendering;
    None without Node. A spec may carry its own "width"/"height"."""
    node = shutil.which("node")
    if node is None:
        return None
    static = files("nabd").joinpath("web/static")
    script = files("nabd.report").joinpath("draw.js")
    job = {"echarts": str(static.joinpath("vendor/echarts.min.js")), "charts": str(static.joinpath("charts.js")),
           "rtl": rtl, "width": width, "height": height, "font": font, "specs": specs}
    done = subprocess.run([node, str(script)], input=json.dumps(job, default=str), capture_output=True, text=True,
                          timeout=NODE_TIMEOUT_SECONDS, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"drawing the report's charts failed: {done.stderr.strip()[:500]}")
    # ECharts marks texts with spaces xml:space="preserve"; WeasyPrint then lays Arabic out letter by letter,
    # left to right (reversed, unjoined). Single spaces are all a label has, so the mark is dropped.
    return [svg.replace(' xml:space="preserve"', "") for svg in json.loads(done.stdout)]
