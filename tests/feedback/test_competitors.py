"""Competitor watch: a validated YAML list of names and spellings; mentions per month, account and
competitor with the comments' sentiment."""

from datetime import datetime

import pytest

from nabd.errors import NabdError
from nabd.feedback.analysis import analyse_comments
from nabd.feedback.competitors import competitor_mentions, load_competitors


def _seed(store):
    store.execute("INSERT INTO accounts (account_id, name, segment) VALUES ('a1', 'Acme', 'smb'), ('a2', 'Beta', 'ent')")
    responses = [
        ("r1", "a1", "nps", 2, "We are moving to Gainsight, support never answers.", datetime(2026, 4, 3)),
        ("r2", "a1", "nps", 3, "بنتقل لجينسايت لأن الدعم ما يرد أبداً", datetime(2026, 4, 20)),
        ("r3", "a2", "nps", 9, "Much easier than HubSpot was for us, great tool.", datetime(2026, 5, 6)),
        ("r4", "a2", "nps", 8, "Our gainsightly dashboard idea: nothing to do with anyone.", datetime(2026, 5, 7)),
    ]
    for row in responses:
        store.execute("INSERT INTO survey_responses (response_id, account_id, kind, score, comment, responded_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", list(row))
    store.execute("INSERT INTO tickets (ticket_id, account_id, opened_at, subject, body) VALUES "
                  "('t1', 'a1', ?, 'Export broken', 'Zendesk does this in one click; your export is broken and slow.')", [datetime(2026, 5, 3)])
    analyse_comments(store)


def test_the_shipped_list_names_each_competitor_in_arabic_and_english():
    competitors = load_competitors().competitors
    assert {"Gainsight", "HubSpot", "Zendesk"} <= {c.name for c in competitors}
    assert all(c.spellings.ar and c.spellings.en for c in competitors)


def test_a_list_without_arabic_spellings_is_refused_with_its_file_and_line(tmp_path):
    path = tmp_path / "competitors.yaml"
    path.write_text("competitors:\n  - name: Gainsight\n    spellings: {en: [gainsight]}\n", encoding="utf-8")
    with pytest.raises(NabdError, match=r"competitors.yaml:3: competitors.0.spellings.ar: Field required"):
        load_competitors(path)


def test_a_list_naming_a_competitor_twice_is_refused(tmp_path):
    path = tmp_path / "competitors.yaml"
    entry = "  - name: Zoho\n    spellings: {en: [zoho], ar: [زوهو]}\n"
    path.write_text("competitors:\n" + entry + entry, encoding="utf-8")
    with pytest.raises(NabdError, match="distinct"):
        load_competitors(path)


def test_mentions_are_counted_per_month_account_and_competitor_with_sentiment(store):
    _seed(store)
    table = competitor_mentions(store, load_competitors()).to_pandas()
    found = {(str(r.month)[:10], r.account_id, r.competitor): (r.mentions, r.negative) for r in table.itertuples()}
    # April: a1 named Gainsight in English and in Arabic (with the proclitic ل), both negative;
    # May: a2 HubSpot (positive), a1 Zendesk in a ticket; "gainsightly" is not a whole word
    assert found == {
        ("2026-04-01", "a1", "Gainsight"): (2, 2),
        ("2026-05-01", "a2", "HubSpot"): (1, 0),
        ("2026-05-01", "a1", "Zendesk"): (1, 1),
    }
    april = table[table.competitor == "Gainsight"].iloc[0]
    assert april.mean_score < 0
