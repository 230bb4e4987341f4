"""Every comment analysed once and stored; themes counted per period and segment; growing detractor themes."""

import json
from datetime import date, datetime

import pytest

from nabd.feedback.analysis import analyse_comments
from nabd.feedback.themes_report import growing_detractor_themes, theme_counts, theme_examples


def _seed(store):
    store.execute("INSERT INTO accounts (account_id, name, segment) VALUES ('a1', 'Acme', 'smb'), ('a2', 'Beta', 'ent')")
    responses = [
        # April: one detractor about support speed, one promoter
        ("r1", "a1", "nps", 2, "الدعم ما يرد علينا أبداً، ننتظر أيام", datetime(2026, 4, 3)),
        ("r2", "a2", "nps", 10, "Fantastic product, easy to use.", datetime(2026, 4, 9)),
        # May: two detractors about pricing, one about support; one response without a comment
        ("r3", "a1", "nps", 3, "السعر غالي جداً ولا يستاهل", datetime(2026, 5, 2)),
        ("r4", "a2", "nps", 5, "The price is too high for what we get.", datetime(2026, 5, 6)),
        ("r5", "a2", "nps", 4, "Support never replies to our tickets.", datetime(2026, 5, 7)),
        ("r6", "a1", "nps", 9, None, datetime(2026, 5, 8)),
    ]
    for row in responses:
        store.execute("INSERT INTO survey_responses (response_id, account_id, kind, score, comment, responded_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", list(row))
    store.execute("INSERT INTO tickets (ticket_id, account_id, opened_at, subject, body) VALUES "
                  "('t1', 'a1', ?, 'App crashes', 'The app crashes every morning.')", [datetime(2026, 5, 3)])


def test_every_comment_and_ticket_is_analysed_and_stored_with_the_model_version(store):
    _seed(store)
    assert analyse_comments(store) == 6  # 5 comments (r6 has none) + 1 ticket
    rows = dict(((s, i), (lang, sent, json.loads(t) if isinstance(t, str) else t)) for s, i, lang, sent, t in
                store.fetchall("SELECT source, source_id, language, sentiment, themes FROM feedback_analysis"))
    assert rows[("survey_response", "r1")] == ("ar", "negative", ["support_speed"])
    assert rows[("survey_response", "r2")][:2] == ("en", "positive")
    assert rows[("ticket", "t1")] == ("en", "negative", ["reliability"])
    assert store.scalar("SELECT count(DISTINCT model_version) FROM feedback_analysis") == 1


def test_analysing_again_does_nothing_until_a_text_changes(store):
    _seed(store)
    analyse_comments(store)
    assert analyse_comments(store) == 0
    store.execute("UPDATE survey_responses SET comment = 'Great support, thanks!' WHERE response_id = 'r5'")
    assert analyse_comments(store) == 1
    assert store.scalar("SELECT sentiment FROM feedback_analysis WHERE source_id = 'r5'") == "positive"
    assert store.fetchall("SELECT theme FROM feedback_themes WHERE source_id = 'r5'") == [("support_speed",)]


def test_themes_are_counted_per_month_and_segment(store):
    _seed(store)
    analyse_comments(store)
    counts = theme_counts(store, start=date(2026, 4, 1), end=date(2026, 5, 31), by="segment").to_pandas()
    may_ent_pricing = counts[(counts.period_start.astype(str) == "2026-05-01") & (counts.segment == "ent")
                             & (counts.theme == "pricing")].iloc[0]
    # May, ent: r4 (pricing) and r5 (support) are its 2 comments; 1 carries pricing -> share 1/2
    assert (may_ent_pricing.comments, may_ent_pricing.all_comments, may_ent_pricing.share) == (1, 2, 0.5)


def test_theme_examples_are_the_most_negative_comments_first(store):
    _seed(store)
    analyse_comments(store)
    examples = theme_examples(store, "pricing", start=date(2026, 5, 1), end=date(2026, 5, 31)).to_pandas()
    assert set(examples.source_id) == {"r3", "r4"}
    assert list(examples.sentiment_score) == sorted(examples.sentiment_score)


def test_the_themes_that_grew_among_detractors_explain_a_drop(store):
    _seed(store)
    analyse_comments(store)
    grown = growing_detractor_themes(store, previous=(date(2026, 4, 1), date(2026, 4, 30)),
                                     current=(date(2026, 5, 1), date(2026, 5, 31))).to_pandas()
    top = grown.iloc[0]
    # April detractors: r1 (support). May detractors: r3, r4 (pricing), r5 (support).
    # pricing 0/1 -> 2/3: growth 0.667; support 1/1 -> 1/3: growth -0.667
    assert top.theme == "pricing" and top.current_comments == 2
    assert top.growth == pytest.approx(2 / 3)
    support = grown[grown.theme == "support_speed"].iloc[0]
    assert support.growth == pytest.approx(1 / 3 - 1)


def test_analysing_since_a_day_leaves_older_comments_for_later(store):
    from datetime import datetime

    from nabd.feedback.analysis import analyse_comments

    store.execute("INSERT INTO accounts (account_id, name) VALUES ('A', 'A')")
    store.execute(
        "INSERT INTO survey_responses (response_id, account_id, kind, score, comment, language, responded_at) VALUES "
        "('old', 'A', 'nps', 3, 'too expensive', 'en', ?), ('new', 'A', 'nps', 9, 'great support', 'en', ?)",
        [datetime(2026, 1, 10), datetime(2026, 6, 10)],
    )
    assert analyse_comments(store, since=datetime(2026, 6, 1)) == 1
    assert store.fetchall("SELECT source_id FROM feedback_analysis") == [("new",)]
    assert analyse_comments(store) == 1  # the older one, later
