"""`nabd import` of survey responses and tickets: the file is loaded, then its new or changed comments analysed."""

from datetime import datetime

from nabd.feedback.analysis import analyse_comments
from nabd.feedback.responses import account_feedback
from nabd.ingest.files import import_file
from nabd.pipeline.imports import import_and_analyse

RESPONSES_CSV = (
    "response_id,account_id,kind,score,comment,language,touchpoint,responded_at\n"
    "x1,a1,nps,9,\"Great onboarding, the trainer was excellent.\",en,after onboarding,2026-05-01 10:00:00\n"
    "x2,a1,nps,2,الأسعار غالية والتطبيق يعلق,ar,quarterly relationship,2026-05-02 10:00:00\n"
    "x3,a1,nps,8,,en,quarterly relationship,2026-05-03 10:00:00\n"
)


def _analysed(store) -> dict[str, tuple]:
    return {f["response_id"]: (f["sentiment"], f["themes"]) for f in account_feedback(store, "a1")}


def test_importing_survey_responses_analyses_their_comments(store, tmp_path):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    path = tmp_path / "responses.csv"
    path.write_text(RESPONSES_CSV, encoding="utf-8")
    reports = []
    summary = import_and_analyse(store, "survey_responses", path, progress=lambda *report: reports.append(report))
    assert (summary.inserted, summary.comments_analysed) == (3, 2)  # x3 has no comment
    assert [r for r in reports if r[0] == "analyse"] == [("analyse", 0, 2), ("analyse", 2, 2)]
    assert _analysed(store) == {"x1": ("positive", ["onboarding"]), "x2": ("negative", ["pricing", "reliability"])}
    assert analyse_comments(store) == 0  # nothing left for the next analysis run


def test_reimporting_analyses_only_the_comments_that_changed(store, tmp_path):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    path = tmp_path / "responses.csv"
    path.write_text(RESPONSES_CSV, encoding="utf-8")
    import_and_analyse(store, "survey_responses", path)
    assert import_and_analyse(store, "survey_responses", path).comments_analysed == 0
    path.write_text(RESPONSES_CSV.replace("Great onboarding, the trainer was excellent.",
                                          "Support never replies to our tickets."), encoding="utf-8")
    changed = import_and_analyse(store, "survey_responses", path)
    assert (changed.updated, changed.comments_analysed) == (1, 1)
    assert _analysed(store)["x1"] == ("negative", ["support_speed"])


def test_importing_tickets_analyses_only_the_tickets_of_the_file(store, tmp_path):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    store.execute("INSERT INTO tickets (ticket_id, account_id, opened_at, subject, body) VALUES "
                  "('old', 'a1', ?, 'Invoice', 'The invoice is wrong.')", [datetime(2026, 1, 5)])
    path = tmp_path / "tickets.csv"
    path.write_text("ticket_id,account_id,opened_at,subject,body\n"
                    "t1,a1,2026-05-03 09:00:00,App crashes,The app crashes every morning.\n", encoding="utf-8")
    assert import_and_analyse(store, "tickets", path).comments_analysed == 1
    assert store.fetchall("SELECT source_id, sentiment, CAST(themes AS TEXT) FROM feedback_analysis") == [
        ("t1", "negative", '["reliability"]')
    ]  # the older ticket, not in the file, waits for `nabd feedback analyse`


def test_a_load_alone_leaves_the_comments_for_the_next_analysis(store, tmp_path):
    store.execute("INSERT INTO accounts (account_id, name) VALUES ('a1', 'Acme')")
    path = tmp_path / "responses.csv"
    path.write_text(RESPONSES_CSV, encoding="utf-8")
    assert import_file(store, "survey_responses", path).inserted == 3
    assert analyse_comments(store) == 2
