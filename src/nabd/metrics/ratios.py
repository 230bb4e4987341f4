"""Ratios that never divide by zero: null, with the reason in a ``note`` column."""

from __future__ import annotations

import ibis


def ratio(numerator: ibis.NumericValue, denominator: ibis.NumericValue) -> ibis.FloatingValue:
    """numerator / denominator as float64, null when the denominator is 0 or null."""
    return numerator.cast("float64") / denominator.cast("float64").nullif(0.0)


def note(*reasons: tuple[ibis.BooleanValue, str]) -> ibis.StringValue:
    """The first reason whose condition holds, else null: why a ratio in the row is null."""
    return ibis.cases(*[(condition, text) for condition, text in reasons], else_=ibis.null("string"))
