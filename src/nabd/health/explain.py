"""Why an account has its score: measure contributions, largest first, and what would move it up a band.

Read from the stored ``health_scores`` row plus the scorecard's rules: raising a measure's score
from s to s' adds (s' - s) x weight / available weight x 100 points under ``reweight`` and
(s' - s) x weight / 100 under ``neutral``; the rule is inverted to say which raw value gives s'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from nabd.errors import NabdError
from nabd.health.scorecard import (
    Band,
    Boolean,
    MeasureSpec,
    Percentile,
    Piecewise,
    Scorecard,
    Thresholds,
)
from nabd.health.scoring import TREND_DAYS
from nabd.store import Store


@dataclass(frozen=True)
class Contribution:
    measure: str
    name: str
    raw: float | None
    score: float | None
    weight: float
    points: float | None  # contribution to the weighted score


@dataclass(frozen=True)
class Move:
    """Raising one measure's raw value from ``raw`` to ``target`` adds ``points`` to the weighted score.

    ``reach`` says how to read ``target``: ``value`` (to it), ``below`` (to under it), ``yes`` (a flag
    turned on; no target) or ``percentile`` (the target-th percentile of its segment). ``text`` is the
    move in English; the web app words it in the reader's language from the other fields.
    """

    measure: str
    text: str
    points: float
    enough: bool  # alone, it reaches the next band
    raw: float
    target: float | None
    reach: str


@dataclass(frozen=True)
class Explanation:
    account_id: str
    as_of: date
    score: int | None
    weighted_score: float | None
    band: Band | None
    coverage: float
    contributions: list[Contribution]
    next_band: Band | None
    points_needed: float | None
    moves: list[Move]
    changes: dict[int, int | None]  # score change vs the latest score on or before 7/30/90 days earlier


def stored_measures(store: Store, account_id: str, as_of: date, version: str) -> dict[str, dict]:
    """``{measure: {raw, score, weight, contribution}}`` of a stored score, read from the view
    ``health_measure_scores`` (which names the positions of ``measure_values``)."""
    rows = store.fetchall(
        "SELECT measure, raw, score, weight, contribution FROM health_measure_scores "
        "WHERE account_id = ? AND as_of = ? AND scorecard_version = ?", [account_id, as_of, version],
    )
    return {measure: {"raw": raw, "score": score, "weight": weight, "contribution": contribution}
            for measure, raw, score, weight, contribution in rows}


def explain(store: Store, scorecard: Scorecard, account_id: str, as_of: date | None = None) -> Explanation:
    """The explanation of ``account_id``'s stored score on ``as_of`` (its latest under this scorecard by default)."""
    version = scorecard.version
    if as_of is None:
        as_of = store.scalar(
            "SELECT max(as_of) FROM health_scores WHERE account_id = ? AND scorecard_version = ?", [account_id, version]
        )
        if as_of is None:
            raise NabdError(
                f"account {account_id!r} has no score under scorecard {scorecard.name!r} version {version}: "
                "check the id, or run `nabd score` first"
            )
    rows = store.fetchall(
        "SELECT score, weighted_score, band, coverage FROM health_scores "
        "WHERE account_id = ? AND as_of = ? AND scorecard_version = ?", [account_id, as_of, version],
    )
    if not rows:
        raise NabdError(f"account {account_id!r} has no score on {as_of} under scorecard version {version}")
    score, weighted, band_id, coverage = rows[0]
    stored = stored_measures(store, account_id, as_of, version)
    contributions = sorted(
        (
            Contribution(m.id, m.name.en, stored[m.id]["raw"], stored[m.id]["score"], stored[m.id]["weight"],
                         stored[m.id]["contribution"])
            for m in scorecard.measures if m.id in stored
        ),
        key=lambda c: (c.points is None, -(c.points or 0)),
    )
    band = next((b for b in scorecard.bands if b.id == band_id), None)
    next_band = next((b for b in scorecard.bands if band and b.range[0] == band.range[1] + 1), None)
    needed = next_band.range[0] - 0.5 - weighted if next_band and weighted is not None else None
    moves = _moves(scorecard, contributions, coverage, needed) if needed is not None else []
    changes = _changes(store, account_id, version, as_of, score)
    return Explanation(
        account_id, as_of, score, weighted, band, coverage, contributions, next_band, needed, moves, changes
    )


def _moves(scorecard: Scorecard, contributions: list[Contribution], coverage: float, needed: float) -> list[Move]:
    """For each scored measure below 100: the raw value that alone reaches the next band, or its best gain."""
    per_point = 1 / (100 * coverage) if scorecard.missing_data.policy == "reweight" else 1 / 100
    moves = []
    for item in contributions:
        if item.score is None or item.score >= 100 or item.raw is None:
            continue
        spec = scorecard.measure(item.measure)
        wanted = min(100.0, item.score + needed / (item.weight * per_point))
        target = _raw_for(spec, item.raw, wanted)
        if target is None:
            continue
        reach, value, reached = target
        points = (reached - item.score) * item.weight * per_point
        if points <= 0:
            continue
        text = (f"{spec.name.en} from {_format(spec, item.raw)} to {_target_text(spec, reach, value)} "
                f"adds {rounded_points(points)} points")
        moves.append(Move(item.measure, text, points, points >= needed, item.raw, value, reach))
    return sorted(moves, key=lambda m: (not m.enough, -m.points))


def rounded_points(points: float) -> int:
    """Points as a move states them: rounded half up."""
    return math.floor(points + 0.5 + 1e-9)


def _target_text(spec: MeasureSpec, reach: str, value: float | None) -> str:
    match reach:
        case "below":
            return f"below {_format(spec, value)}"
        case "yes":
            return "yes"
        case "percentile":
            return f"the {value:.0f}th percentile of its segment"
    return _format(spec, value)


def _raw_for(spec: MeasureSpec, raw: float, wanted: float) -> tuple[str, float | None, float] | None:
    """(how to read the target, the target raw value, the score it gives) that reaches ``wanted``
    under the measure's rule; see :class:`Move`."""
    rule = spec.rule
    match rule:
        case Piecewise():
            candidates = [
                x1 + (wanted - s1) * (x2 - x1) / (s2 - s1)
                for (x1, s1), (x2, s2) in zip(rule.points, rule.points[1:])
                if s1 != s2 and min(s1, s2) <= wanted <= max(s1, s2)
            ]
            if not candidates:
                best = max(rule.points, key=lambda p: (p[1], -abs(p[0] - raw)))
                return "value", best[0], best[1]
            return "value", min(candidates, key=lambda x: abs(x - raw)), wanted
        case Thresholds():
            limits = [s.min for s in rule.steps[1:]] + [None]
            reaching = [(s, upper) for s, upper in zip(rule.steps, limits) if s.score >= wanted]
            if not reaching:
                best_score = max(s.score for s in rule.steps)
                reaching = [(s, upper) for s, upper in zip(rule.steps, limits) if s.score == best_score]
            step, upper = min(reaching, key=lambda r: abs(r[0].min - raw))
            if upper is not None and raw >= upper:
                return "below", upper, step.score
            return "value", step.min, step.score
        case Boolean():
            if rule.true_score > rule.false_score and raw == 0:
                return "yes", None, rule.true_score
            return None
        case Percentile():
            return "percentile", wanted, wanted
    return None


def _format(spec: MeasureSpec, value: float) -> str:
    match spec.unit:
        case "ratio":
            return f"{100 * value:.0f}%"
        case "minutes":
            return f"{value:.0f} min"
        case "days":
            return f"{value:.0f} days"
        case "flag":
            return "yes" if value else "no"
        case "score":
            return f"{value:.1f}"
    return f"{value:g}"


def render_explanation(explanation: Explanation, scorecard: Scorecard) -> list[str]:
    """The explanation as lines of plain text, for the CLI and reports."""
    e = explanation
    if e.score is None:
        head = (f"{e.account_id} on {e.as_of}: no score (coverage {e.coverage:.0%} is below the minimum "
                f"{scorecard.missing_data.minimum_coverage:.0%})")
    else:
        head = f"{e.account_id} on {e.as_of}: {e.score} ({e.band.name.en}, {e.band.colour}) - {e.band.action.en}"
    spread = ""
    if scorecard.missing_data.policy == "reweight" and 0 < e.coverage < 1:
        spread = f", so each weight counts x {1 / e.coverage:.2f}"
    trend = ", ".join(
        f"{change:+d} vs {days} days ago" for days, change in e.changes.items() if change is not None
    )
    if trend:
        head += f"; trend {trend}"
    lines = [head, f"coverage {e.coverage:.0%}{spread}; contributions (points of the weighted score):"]
    for c in e.contributions:
        if c.score is None:
            lines.append(f"  {c.name}: no data (weight {c.weight:.1f})")
        else:
            raw = _format(scorecard.measure(c.measure), c.raw) if c.raw is not None else "-"
            points = f"{c.points:.1f}" if c.points is not None else "-"
            lines.append(f"  {c.name}: {raw} scores {c.score:.0f} x weight {c.weight:.1f} = {points} points")
    if e.next_band is None:
        if e.score is not None:
            lines.append("already in the top band")
        return lines
    lines.append(f"to reach {e.next_band.name.en} ({e.next_band.range[0]}) it needs {e.points_needed:.1f} more points:")
    lines.extend(f"  {m.text}{'' if m.enough else ' (not enough alone)'}" for m in e.moves[:5])
    return lines


def _changes(store: Store, account_id: str, version: str, as_of: date, score: int | None) -> dict[int, int | None]:
    """change over n days = score - the account's latest score on or before as_of - n (as
    :func:`nabd.health.scoring.score_trend`), read from the account's own rows only: filtering the
    all-accounts trend by account left the engine computing it for every account (1.2 s at 1M x 31 days)."""
    days = ", ".join(f"({n})" for n in TREND_DAYS)
    past = dict(store.fetchall(
        "WITH own AS (SELECT as_of, score FROM health_scores WHERE account_id = ? AND scorecard_version = ? "
        "AND score IS NOT NULL AND as_of <= ?), "
        f"back AS (SELECT d.days, max(own.as_of) AS as_of FROM (VALUES {days}) AS d(days) "
        "JOIN own ON own.as_of <= CAST(? AS DATE) - d.days GROUP BY d.days) "
        "SELECT back.days, own.score FROM back JOIN own ON own.as_of = back.as_of",
        [account_id, version, as_of, as_of],
    ))
    return {n: score - past[n] if score is not None and n in past else None for n in TREND_DAYS}
