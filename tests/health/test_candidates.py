"""The one generator of candidate measures (for `scorecard init` and the churn model's features): what the
data holds decides the candidates, and renaming event types renames them, nothing more."""

from collections import Counter
from datetime import date

from tests.health.health_history import AS_OF, account, activity, given, period, ticket, ts

from nabd.health.candidates import candidate_measures
from nabd.health.measures import measure_values


def _company(store, names=("task_done", "invoice_sent")):
    given(store, accounts=[account("A"), account("B")],
          subscriptions=[period("SA", "A"), period("SB", "B")],
          activity_daily=[
              activity("A", "", date(2024, 6, 10), names[0], 2), activity("B", "", date(2024, 6, 12), names[0], 1),
              activity("A", "", date(2024, 6, 11), names[1], 1, 250.0),
              activity("A", "", date(2024, 7, 2), "only_after_as_of", 1),
          ])


def test_each_event_type_gives_its_rate_and_trend_and_a_value_when_it_carries_one(store):
    _company(store)
    events = [(m.type, tuple(m.params.events or ()), m.params.sum) for m in candidate_measures(store, AS_OF, 1)
              if m.params.events]
    assert events == [("event_rate", ("invoice_sent",), None), ("event_trend", ("invoice_sent",), None),
                      ("event_rate", ("invoice_sent",), "value"),
                      ("event_rate", ("task_done",), None), ("event_trend", ("task_done",), None)]


def test_a_type_used_by_too_few_accounts_gives_no_candidate(store):
    _company(store)
    selected = {e for m in candidate_measures(store, AS_OF, 2) for e in m.params.events or ()}
    assert selected == {"task_done"}


def test_tables_with_rows_give_their_measures_and_empty_ones_none(store):
    _company(store)
    assert "ticket_frequency" not in {m.type for m in candidate_measures(store, AS_OF, 1)}
    given(store, tickets=[ticket("T1", "A", ts(date(2024, 6, 1)))])
    assert {"ticket_frequency", "ticket_trend"} <= {m.type for m in candidate_measures(store, AS_OF, 1)}


def test_renamed_event_types_give_the_same_candidates_up_to_names(store):
    _company(store)
    first = candidate_measures(store, AS_OF, 1)
    store.execute("DELETE FROM activity_daily")
    store.execute("DELETE FROM event_types")
    given(store, activity_daily=[
        activity("A", "", date(2024, 6, 10), "ev_1", 2), activity("B", "", date(2024, 6, 12), "ev_1", 1),
        activity("A", "", date(2024, 6, 11), "ev_2", 1, 250.0),
    ])
    second = candidate_measures(store, AS_OF, 1)
    assert Counter((m.type, m.params.sum) for m in first) == Counter((m.type, m.params.sum) for m in second)


def test_every_candidate_is_computed_in_one_pass_for_every_active_account(store):
    _company(store)
    rows = measure_values(store, candidate_measures(store, AS_OF, 1), AS_OF).to_pyarrow().to_pylist()
    assert sorted(r["account_id"] for r in rows) == ["A", "B"]
    by_account = {r["account_id"]: r for r in rows}
    assert by_account["A"]["r__active_days"] == 2 and by_account["B"]["r__days_since_last_event"] == 18


def test_every_candidate_has_an_arabic_name(store):
    _company(store)
    given(store, tickets=[ticket("T1", "A", ts(date(2024, 6, 1)))])
    names = {m.id: m.name.ar for m in candidate_measures(store, AS_OF, 1)}
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in ar) for ar in names.values()), names
    rate = next(m for m in candidate_measures(store, AS_OF, 1) if m.type == "event_rate" and m.params.events
                == ["task_done"])
    assert rate.name.ar == "task_done لكل 28 يومًا"


def test_onboarding_and_warning_candidates_appear_only_once_the_store_has_such_rows_by_as_of(store):
    _company(store)
    types = lambda: {m.type for m in candidate_measures(store, AS_OF, 1)}  # noqa: E731
    assert not {"onboarding_progress", "days_since_milestone", "indicator_firings"} & types()
    given(store, onboarding_milestones=[("A", "setup", date(2024, 7, 2))],
          indicator_firings=[("A", "usage_drop", date(2024, 7, 2), "{}", ts(date(2024, 7, 2)))])
    assert not {"onboarding_progress", "indicator_firings"} & types(), "facts after as_of give no candidate"
    given(store, onboarding_milestones=[("A", "invite", date(2024, 6, 2))],
          indicator_firings=[("A", "usage_drop", date(2024, 6, 2), "{}", ts(date(2024, 6, 2))),
                             ("B", "no_login", date(2024, 6, 3), "{}", ts(date(2024, 6, 3)))])
    firings = [m for m in candidate_measures(store, AS_OF, 1) if m.type == "indicator_firings"]
    assert {"onboarding_progress", "days_since_milestone"} <= types()
    assert [m.params.indicators for m in firings] == [None, ["no_login"], ["usage_drop"]]
    assert firings[1].name.ar == "إنذارات no_login خلال 90 يومًا"


def test_renewals_give_the_churn_at_stake_within_the_horizon_the_candidates_are_picked_for(store):
    given(store, accounts=[account("A")], subscriptions=[period("SA", "A", renewal=date(2024, 7, 15))])
    windows = {horizon: [m.params.window_days for m in candidate_measures(store, AS_OF, 1, horizon_days=horizon)
                         if m.type == "renewal_exposure"] for horizon in (90, 180)}
    assert windows == {90: [90], 180: [180]}
