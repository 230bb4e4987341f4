"""The referral funnel on real rows, DuckDB and PostgreSQL: signed links (a tampered one stores nothing),
visited -> signed up -> paying (matched by account or e-mail domain, first paid subscription after the
visit), the referral written to ``referrals`` for the health measure, and the referrer's reward once."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from nabd.errors import NabdError
from nabd.feedback.links import LinkProblem, link_key
from nabd.health.measures.values import measure_values
from nabd.health.scorecard import MeasureSpec
from nabd.outreach.messages import signed_token
from nabd.outreach.referrals import record_visit, referral_funnel, referrer, refresh_referrals, sign_up
from tests.outreach.conftest import NOW, add_contact, seed_company

LATER = datetime(2026, 6, 15, 6)


def _token(store, contact_id: str = "c1") -> str:
    return signed_token(link_key(store), "referral", contact_id, NOW)


def _prospect_account(store, account_id: str, domain: str, first_paid: date | None) -> None:
    """A referred company: an account with one contact at ``domain``, paying from ``first_paid``."""
    store.execute("INSERT INTO accounts (account_id, name, language, created_at) VALUES (?, ?, 'en', ?)",
                  [account_id, f"Company {account_id}", NOW])
    add_contact(store, f"{account_id}-c", account_id, "Lina", f"lina@{domain}", "en")
    if first_paid is not None:
        store.execute("INSERT INTO subscriptions VALUES (?, ?, 'core', 0, 'USD', 1, ?, ?, NULL)",
                      [f"trial-{account_id}", account_id, date(2026, 6, 2), first_paid])  # a free trial first
        store.execute("INSERT INTO subscriptions VALUES (?, ?, 'core', 80, 'USD', 1, ?, NULL, NULL)",
                      [f"paid-{account_id}", account_id, first_paid])


def test_a_tampered_referral_link_is_refused_and_stores_nothing(store):
    seed_company(store)
    token = _token(store)
    for bad in (token[:-3] + "xyz", signed_token(link_key(store), "unsubscribe", "c1", NOW), "nonsense"):
        with pytest.raises(LinkProblem):
            record_visit(store, bad, now=NOW)
    assert store.scalar("SELECT count(*) FROM referral_prospects") == 0
    assert referrer(store, token, NOW).account_id == "a1"


def test_a_second_visit_with_the_visitors_cookie_records_nothing_new(store):
    seed_company(store)
    _, first = record_visit(store, _token(store), now=NOW)
    _, again = record_visit(store, _token(store), known=first["referral_id"], now=NOW)
    _, other = record_visit(store, _token(store), known="R-NOT-MINE", now=NOW)
    assert again["referral_id"] == first["referral_id"] != other["referral_id"]
    assert store.fetchall("SELECT status, count(*) FROM referral_prospects GROUP BY status") == [("visited", 2)]


def test_the_funnel_goes_from_visited_to_signed_up_to_paying(store):
    seed_company(store)
    _prospect_account(store, "g1", "gamma.test", first_paid=date(2026, 6, 10))  # matched by e-mail domain
    _prospect_account(store, "d1", "delta.test", first_paid=date(2026, 7, 1))  # given by the sign-up API
    found, p1 = record_visit(store, _token(store), now=NOW)
    _, p2 = record_visit(store, _token(store, "c2"), now=NOW)
    record_visit(store, _token(store), now=NOW)  # only visits
    sign_up(store, found, referral_id=p1["referral_id"], email="Ali@Gamma.test", company="Gamma", now=NOW)
    sign_up(store, referrer(store, _token(store, "c2"), NOW), referral_id=p2["referral_id"], account_id="d1", now=NOW)
    assert referral_funnel(store) == {"visited": 3, "signed_up": 2, "paying": 0}

    run = refresh_referrals(store, date(2026, 6, 15), LATER)
    assert (run.matched, run.paying, run.rewards) == (1, 1, 1)
    assert referral_funnel(store) == {"visited": 3, "signed_up": 2, "paying": 1}
    assert store.fetchall("SELECT referred_account_id, paying_on FROM referral_prospects WHERE status = 'paying'") \
        == [("g1", date(2026, 6, 10))]
    assert store.fetchall("SELECT referral_id, account_id, referred_account_id, referred_at FROM referrals") \
        == [(p1["referral_id"], "a1", "g1", datetime(2026, 6, 10))]
    assert store.fetchall("SELECT reward_id, account_id, kind, amount, currency, status FROM rewards") \
        == [(f"referral:{p1['referral_id']}", "a1", "credit", 50, "USD", "pending")]

    again = refresh_referrals(store, date(2026, 6, 15), LATER)  # the same day again: nothing new
    assert (again.paying, again.rewards) == (0, 0)
    refresh_referrals(store, date(2026, 7, 1), LATER)
    assert referral_funnel(store) == {"visited": 3, "signed_up": 2, "paying": 2}
    assert referral_funnel(store, "a2") == {"visited": 0, "signed_up": 0, "paying": 0}
    assert store.scalar("SELECT count(*) FROM rewards WHERE status = 'pending'") == 2


def test_a_customer_paying_before_the_visit_or_a_free_mail_domain_is_no_referred_customer(store):
    seed_company(store)  # a2 (beta.test) has paid since 2025
    _prospect_account(store, "m1", "gmail.com", first_paid=date(2026, 6, 10))
    found, p1 = record_visit(store, _token(store), now=NOW)
    sign_up(store, found, referral_id=p1["referral_id"], email="omar@beta.test", now=NOW)
    sign_up(store, found, email="someone@gmail.com", now=NOW)  # no cookie: a new prospect, visited now
    refresh_referrals(store, date(2026, 6, 15), LATER)
    assert store.fetchall("SELECT email_domain, referred_account_id, status FROM referral_prospects "
                          "ORDER BY email_domain") == [("beta.test", "a2", "signed_up"),
                                                       ("gmail.com", None, "signed_up")]
    assert store.scalar("SELECT count(*) FROM referrals") == 0


def test_a_sign_up_needs_an_e_mail_or_another_account(store):
    seed_company(store)
    found = referrer(store, _token(store), NOW)
    for fields, field in (({"email": "not-an-address"}, "email"), ({}, "email"),
                          ({"account_id": "a1"}, "account_id"), ({"account_id": "nobody"}, "account_id")):
        with pytest.raises(NabdError, match=f"^{field}:"):
            sign_up(store, found, now=NOW, **fields)
    assert store.scalar("SELECT count(*) FROM referral_prospects") == 0


def test_the_referrals_measure_counts_paying_referrals_and_the_ones_a_csm_entered(store):
    seed_company(store)
    _prospect_account(store, "g1", "gamma.test", first_paid=date(2026, 6, 10))
    found, p1 = record_visit(store, _token(store), now=NOW)
    sign_up(store, found, referral_id=p1["referral_id"], email="ali@gamma.test", now=NOW)
    sign_up(store, found, email="x@epsilon.test", now=NOW)  # signed up, never paying: not counted
    store.execute("INSERT INTO referrals VALUES ('web-1', 'a1', 'Zeta Ltd', ?)", [datetime(2026, 5, 20, 9)])
    refresh_referrals(store, date(2026, 6, 15), LATER)
    spec = MeasureSpec(id="referrals", type="referrals", name={"en": "referrals", "ar": "الإحالات"}, weight=1,
                       rule={"kind": "percentile"}, params={"window_days": 90})

    def counted(as_of: date) -> dict[str, float]:
        values = measure_values(store, [spec], as_of).to_pyarrow().to_pylist()
        return {row["account_id"]: row["r__referrals"] for row in values}

    assert counted(date(2026, 6, 15))["a1"] == 2  # the CSM's one and the paying one
    assert counted(date(2026, 6, 9))["a1"] == 1  # before the referred account paid
