"""Ratios that never divide by zero: null, with the reason in a ``note`` column."""

from __future__ import annotations

import ibis


def ratio(numerator: ibis.NumericValue, denominator: ibis.NumericValue) -> ibis.FloatingValue:
    """numerator / denominator as float64, null when the denominator is 0 or null."""
    return numerator.cast("float64") / denominator.cast("float64").nullif(0.0)


def note(*reasons: tuple[ibis.BooleanValue, str]) -> ibis.StringValue:
    """The first reason whose condition holds, else null: why a ratio in the row is null."""
    return ibis.cases(*[(condition, text) for condition, text in reasons], else_=ibis.null("string"))


def float_literal(number: float) -> ibis.FloatingValue:
    """A float64 constant that stays float64 on PostgreSQL (Ibis writes a bare 0.8, which PostgreSQL reads as numeric)."""
    return ibis.literal(repr(float(number))).cast("float64")
