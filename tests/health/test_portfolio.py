"""The portfolio: accounts by band colour with counts and MRR, filtered by segment, CSM and band."""

from decimal import Decimal

import pytest
from tests.health.health_history import AS_OF, IDENTITY, custom, customer, scorecard

from nabd.errors import NabdError
from nabd.health.portfolio import band_ids, portfolio
from nabd.health.scoring import run_scoring



@pytest.fixture
def card(store):
    # A red (20, SMB, csm.a, 100), B yellow (60, Enterprise, csm.b, 250), C green (90, SMB, csm.a, 50),
    # D red (10, SMB, csm.b, 30)
    customer(store, "A", "SMB", "csm.a", mrr=100)
    customer(store, "B", "Enterprise", "csm.b", mrr=250)
    customer(store, "C", "SMB", "csm.a", mrr=50)
    customer(store, "D", "SMB", "csm.b", mrr=30)
    card = scorecard(custom("m", {"A": 20, "B": 60, "C": 90, "D": 10}, IDENTITY))
    run_scoring(store, card, AS_OF)
    return card


def summary(view):
    return [(b.band.colour, b.accounts, b.mrr) for b in view.bands]


def test_counts_and_mrr_per_band(store, card):
    # red: A + D = 2 accounts, 100 + 30 = 130
    view = portfolio(store, card)
    assert view.as_of == AS_OF
    assert summary(view) == [("red", 2, Decimal(130)), ("yellow", 1, Decimal(250)), ("green", 1, Decimal(50))]


def test_accounts_are_listed_worst_score_first(store, card):
    rows = portfolio(store, card).accounts.to_pyarrow().to_pylist()
    assert [(r["account_id"], r["score"], r["colour"]) for r in rows] == [
        ("D", 10, "red"), ("A", 20, "red"), ("B", 60, "yellow"), ("C", 90, "green"),
    ]


def test_filter_by_segment(store, card):
    assert summary(portfolio(store, card, segment="smb")) == [
        ("red", 2, Decimal(130)), ("yellow", 0, Decimal(0)), ("green", 1, Decimal(50)),
    ]


def test_filter_by_csm(store, card):
    assert summary(portfolio(store, card, csm="csm.b")) == [
        ("red", 1, Decimal(30)), ("yellow", 1, Decimal(250)), ("green", 0, Decimal(0)),
    ]


def test_filter_by_band_colour(store, card):
    rows = portfolio(store, card, band="red").accounts.to_pyarrow().to_pylist()
    assert [r["account_id"] for r in rows] == ["D", "A"]


def test_an_unknown_band_names_the_bands_there_are(store, card):
    with pytest.raises(NabdError, match="use one of unhealthy/red, neutral/yellow, healthy/green"):
        portfolio(store, card, band="purple")


def test_without_any_score_it_says_to_run_nabd_score(store):
    with pytest.raises(NabdError, match="run `nabd score` first"):
        portfolio(store, scorecard(custom("m", {"A": 1}, IDENTITY)))


def test_a_band_answers_to_its_id_colour_or_name_in_either_language_in_any_case(card):
    unhealthy = card.bands[0]
    for wanted in (unhealthy.id.upper(), unhealthy.colour.title(), unhealthy.name.en.upper(), unhealthy.name.ar):
        assert band_ids(card.bands, wanted) == [unhealthy.id], wanted
    assert band_ids(card.bands, "purple") == []


def test_filter_by_arabic_band_name_and_segment_in_another_case(store, card):
    rows = portfolio(store, card, segment="sMb", band=card.bands[0].name.ar).accounts.to_pyarrow().to_pylist()
    assert [r["account_id"] for r in rows] == ["D", "A"]
