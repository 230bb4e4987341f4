"""Playbook rules: triggers, conditions, deduplication, cooldown, steps, and YAML validation."""

import json
from datetime import datetime, timedelta

import pytest

from nabd.errors import NabdError
from nabd.health.scorecard import load_scorecard
from nabd.playbooks.playbook import load_playbooks, parse_playbooks
from nabd.playbooks.runner import run_playbooks
from nabd.playbooks.tasks import close_task
from tests.playbooks.conftest import AS_OF, add_account, add_response, add_score, fired

SCORECARD = load_scorecard()
RED_ACTION = "offer a discount or a free upgrade; call to find what is not working"


def playbooks(yaml_steps: str, trigger: str = "{band: unhealthy}", extra: str = "cooldown_days: 30"):
    return parse_playbooks(
        f"playbooks:\n  - id: save\n    name: Save\n    trigger: {trigger}\n    {extra}\n    steps:\n{yaml_steps}",
        "test.yaml",
    )


TASK = '      - task: {title: "{account_name}: {action}", owner: csm, due_in_days: 3, priority: high}\n'


def open_tasks(store, playbook="save"):
    return store.fetchall(
        "SELECT account_id, title, owner, priority, due_at FROM tasks WHERE playbook = ? AND status = 'open' "
        "ORDER BY account_id", [playbook],
    )


def test_a_red_account_gets_the_seed_action_as_a_task_for_its_csm(store):
    add_account(store, "a1", name="Acme", csm="carla")
    add_account(store, "a2")
    add_score(store, "a1", AS_OF, 40, "unhealthy", SCORECARD.version)
    add_score(store, "a2", AS_OF, 70, "neutral", SCORECARD.version)
    run = run_playbooks(store, playbooks(TASK), AS_OF, SCORECARD)
    assert run.accounts == {"save": 1} and run.tasks == 1
    # due = as_of + 3 days = 2026-07-03
    assert open_tasks(store) == [("a1", f"Acme: {RED_ACTION}", "carla", "high", datetime(2026, 7, 3))]


def test_no_second_open_task_for_the_same_account_and_playbook(store):
    add_account(store, "a1")
    for day in (AS_OF, AS_OF + timedelta(days=1)):
        add_score(store, "a1", day, 40, "unhealthy", SCORECARD.version)
    rules = playbooks(TASK, extra="cooldown_days: 0")
    run_playbooks(store, rules, AS_OF, SCORECARD)
    second = run_playbooks(store, rules, AS_OF + timedelta(days=1), SCORECARD)
    assert second.accounts == {"save": 0}
    assert len(open_tasks(store)) == 1


def test_after_the_task_is_closed_the_cooldown_holds_the_next_one_back(store):
    add_account(store, "a1")
    for offset in (0, 1, 7):
        add_score(store, "a1", AS_OF + timedelta(days=offset), 40, "unhealthy", SCORECARD.version)
    rules = playbooks(TASK, extra="cooldown_days: 7")
    run_playbooks(store, rules, AS_OF, SCORECARD)
    task_id = store.scalar("SELECT task_id FROM tasks")
    close_task(store, task_id, "done", "offered 10% off; they stay")
    # Day +1 is within the 7-day cooldown (June 30 > July 1 - 7); day +7: June 30 is not > July 7 - 7.
    assert run_playbooks(store, rules, AS_OF + timedelta(days=1), SCORECARD).accounts == {"save": 0}
    assert run_playbooks(store, rules, AS_OF + timedelta(days=7), SCORECARD).accounts == {"save": 1}
    assert store.scalar("SELECT count(*) FROM tasks") == 2


def test_running_the_same_day_again_repeats_nothing_even_after_the_task_is_closed(store):
    add_account(store, "a1")
    add_score(store, "a1", AS_OF, 40, "unhealthy", SCORECARD.version)
    rules = playbooks(TASK, extra="cooldown_days: 0")
    run_playbooks(store, rules, AS_OF, SCORECARD)
    close_task(store, store.scalar("SELECT task_id FROM tasks"), "dismissed", "already handled")
    assert run_playbooks(store, rules, AS_OF, SCORECARD).accounts == {"save": 0}
    assert store.scalar("SELECT count(*) FROM tasks") == 1


def test_conditions_select_by_segment_plan_and_mrr_range(store):
    add_account(store, "fits", segment="ent", plan="pro", mrr=500)
    add_account(store, "smb", segment="smb", plan="pro", mrr=500)
    add_account(store, "basic", segment="ent", plan="basic", mrr=500)
    add_account(store, "small", segment="ent", plan="pro", mrr=50)
    for account in ("fits", "smb", "basic", "small"):
        add_score(store, account, AS_OF, 30, "unhealthy", SCORECARD.version)
    rules = playbooks(TASK, extra="conditions: {segments: [ent], plans: [pro], mrr_min: 100, mrr_max: 1000}")
    run_playbooks(store, rules, AS_OF, SCORECARD)
    assert [row[0] for row in open_tasks(store)] == ["fits"]


def test_an_indicator_trigger_words_its_evidence_in_the_task_without_json(store):
    add_account(store, "a1", name="Acme")
    add_response(store, "r1", "a1", "nps", 2, datetime(2026, 6, 28))
    fired(store, "negative_feedback")
    rules = playbooks(
        '      - task: {title: "Call {account_name} ({reason})", due_in_days: 2, priority: urgent}\n',
        trigger="{indicator: negative_feedback}",
    )
    run_playbooks(store, rules, AS_OF, SCORECARD)
    (_, title, _, priority, due), = open_tasks(store)
    assert title == "Call Acme (unhappy feedback (NPS 2 from a detractor))"
    assert (priority, due) == ("urgent", datetime(2026, 7, 2))


def test_renewal_and_new_account_triggers(store):
    add_account(store, "renews", renewal=AS_OF + timedelta(days=90))
    add_account(store, "later", renewal=AS_OF + timedelta(days=91))
    add_account(store, "new", created=datetime(2026, 6, 25))
    renewal = playbooks('      - task: {title: "Review {account_id}: {reason}"}\n', trigger="{renewal_in_days: 90}")
    run_playbooks(store, renewal, AS_OF, SCORECARD)
    assert [row[:2] for row in open_tasks(store)] == [("renews", "Review renews: renews on 28 Sep 2026")]
    welcome = parse_playbooks(
        "playbooks:\n  - {id: welcome, name: W, trigger: {new_account_days: 7}, steps: [{tag: new}]}\n"
    )
    run_playbooks(store, welcome, AS_OF, SCORECARD)
    assert store.fetchall("SELECT account_id, tag FROM account_tags") == [("new", "new")]


def test_band_change_and_score_drop_triggers(store):
    add_account(store, "a1")
    add_account(store, "a2")
    store.execute(
        "INSERT INTO health_band_changes VALUES ('a1', ?, ?, 'neutral', 'unhealthy', 55, 45)", [AS_OF, SCORECARD.version]
    )
    add_score(store, "a2", AS_OF - timedelta(days=30), 80, "healthy", SCORECARD.version)
    add_score(store, "a2", AS_OF, 65, "neutral", SCORECARD.version)   # 65 - 80 = -15 points
    change = playbooks('      - task: {title: "{reason}"}\n', trigger="{band_change: {to: unhealthy}}")
    run_playbooks(store, change, AS_OF, SCORECARD)
    drop = parse_playbooks(
        "playbooks:\n  - id: drop\n    name: D\n    trigger: {score_drop: 15, days: 30}\n"
        "    steps: [{task: {title: '{reason}'}}]\n"
    )
    run_playbooks(store, drop, AS_OF, SCORECARD)
    assert open_tasks(store)[0][:2] == ("a1", "health fell from neutral (55) to unhealthy (45)")
    assert open_tasks(store, "drop")[0][:2] == ("a2", "score fell 15 points in 30 days to 65")


def test_a_survey_step_creates_a_send_a_survey_task_until_nabd_sends_surveys(store):
    add_account(store, "a1", name="Acme")
    add_score(store, "a1", AS_OF, 70, "neutral", SCORECARD.version)
    run_playbooks(store, load_playbooks(), AS_OF, SCORECARD)
    assert open_tasks(store, "yellow_survey") == [
        ("a1", "Send an NPS survey to Acme to learn more: health score 70 (neutral)", "carla", "normal",
         datetime(2026, 7, 7)),
    ]


def test_a_webhook_step_queues_a_slack_compatible_notification_with_its_task(store, monkeypatch):
    monkeypatch.setenv("HOOK_URL", "http://127.0.0.1:1/hook")
    add_account(store, "a1", name="Acme")
    add_score(store, "a1", AS_OF, 40, "unhealthy", SCORECARD.version)
    steps = TASK + '      - webhook: {url: "${HOOK_URL}", text: "{account_name} is red: {action}"}\n'
    run_playbooks(store, playbooks(steps), AS_OF, SCORECARD)
    (target, payload, task_id), = store.fetchall("SELECT target, payload, task_id FROM outbox")
    body = json.loads(payload)
    assert target == "http://127.0.0.1:1/hook" and body["text"] == f"Acme is red: {RED_ACTION}"
    assert task_id == body["task_id"] == store.scalar("SELECT task_id FROM tasks")


def test_a_notification_whose_variable_is_unset_is_skipped_with_a_note(store, monkeypatch):
    monkeypatch.delenv("NO_SUCH_HOOK", raising=False)
    add_account(store, "a1")
    add_score(store, "a1", AS_OF, 40, "unhealthy", SCORECARD.version)
    run = run_playbooks(store, playbooks('      - webhook: {url: "${NO_SUCH_HOOK}", text: hi}\n'), AS_OF, SCORECARD)
    assert run.notes == ["save: webhook step skipped (its target's variable is not set)"]
    assert store.scalar("SELECT count(*) FROM outbox") == 0


def test_a_failed_step_rolls_back_the_notifications_and_tasks_of_the_playbook(store, monkeypatch):
    """The outbox row is written in the task's transaction: when the task cannot be written (here a
    task id already taken), neither the notification nor the run is kept."""
    monkeypatch.setenv("HOOK_URL", "http://127.0.0.1:1/hook")
    add_account(store, "a1")
    add_score(store, "a1", AS_OF, 40, "unhealthy", SCORECARD.version)
    rules = playbooks('      - webhook: {url: "${HOOK_URL}", text: hi}\n' + TASK, extra="cooldown_days: 0")
    run_playbooks(store, rules, AS_OF, SCORECARD)
    taken = store.scalar("SELECT task_id FROM tasks")
    store.execute("DELETE FROM outbox")
    store.execute("DELETE FROM playbook_runs")
    store.execute("UPDATE tasks SET status = 'done', account_id = 'other'")  # no open task of a1, id still taken
    with pytest.raises(Exception, match="(?i)duplicate|unique|constraint"):  # the driver's own error type
        run_playbooks(store, rules, AS_OF, SCORECARD)
    assert store.scalar("SELECT count(*) FROM outbox") == 0
    assert store.scalar("SELECT count(*) FROM playbook_runs") == 0
    assert store.scalar("SELECT task_id FROM tasks") == taken


def test_the_default_playbooks_are_valid_and_implement_the_seed_actions():
    shipped = {p.id: p for p in load_playbooks().playbooks}
    assert set(shipped) == {"red_save", "yellow_survey", "green_upsell", "detractor_call", "renewal_review"}
    assert shipped["detractor_call"].steps[0].task.due_in_days == 2
    assert shipped["renewal_review"].trigger.renewal_in_days == 90


@pytest.mark.parametrize(("text", "message"), [
    ("playbooks:\n  - id: x\n    name: y\n    trigger: {bnd: red}\n    steps: [{tag: t}]\n",
     ("test.yaml:4: playbooks.0.trigger: use one of: band, band_change, score_drop, indicator, renewal_in_days, "
      "new_account_days")),
    ("playbooks:\n  - id: x\n    name: y\n    trigger: {band: red}\n    steps:\n      - task: {title: 'hi {who}'}\n",
     "test.yaml:6: playbooks.0.steps.0.task.title: unknown placeholder {who}"),
    ("playbooks:\n  - id: x\n    name: y\n    trigger: {indicator: gossip}\n    steps: [{tag: t}]\n",
     "test.yaml:4: playbooks.0.trigger.indicator: unknown indicator 'gossip'"),
    (("playbooks:\n  - {id: x, name: y, trigger: {band: red}, steps: [{tag: t}]}\n"
      "  - {id: x, name: z, trigger: {band: red}, steps: [{tag: t}]}\n"),
     "test.yaml:1: playbooks: playbook id 'x' is used twice"),
    ("playbooks:\n  - id: x\n    name: y\n    trigger: {band: red}\n    cooldown_days: -1\n    steps: [{tag: t}]\n",
     "test.yaml:5: playbooks.0.cooldown_days: Input should be greater than or equal to 0"),
])
def test_a_bad_playbook_file_is_refused_with_file_line_and_field(text, message):
    with pytest.raises(NabdError) as refused:
        parse_playbooks(text, "test.yaml")
    assert str(refused.value).startswith(message)


def test_one_open_task_per_account_and_cause_across_playbooks(store):
    add_account(store, "a1", name="Acme")
    add_response(store, "r1", "a1", "nps", 2, datetime(2026, 6, 28))
    fired(store, "negative_feedback")
    twice = parse_playbooks(
        "playbooks:\n"
        "  - {id: call, name: C, trigger: {indicator: negative_feedback}, steps: [{task: {title: 'Call {account_name}'}}]}\n"
        "  - {id: mail, name: M, trigger: {indicator: negative_feedback}, steps: [{task: {title: 'Mail {account_name}'}}]}\n"
    )
    run = run_playbooks(store, twice, AS_OF, SCORECARD)
    assert run.accounts == {"call": 1, "mail": 0}
    assert store.fetchall("SELECT playbook, cause FROM tasks") == [("call", "negative_feedback")]


def test_a_csm_gets_at_most_the_cap_of_tasks_a_day_the_richest_and_most_urgent_first(store):
    for number, mrr in enumerate((100, 500, 300, 200), start=1):
        add_account(store, f"a{number}", mrr=mrr, name=f"Acme {number}")
        add_score(store, f"a{number}", AS_OF, 40, "unhealthy", SCORECARD.version)
    add_account(store, "b1", csm="dan")
    add_score(store, "b1", AS_OF, 40, "unhealthy", SCORECARD.version)
    add_response(store, "r1", "a1", "nps", 2, datetime(2026, 6, 28))
    fired(store, "negative_feedback")
    rules = parse_playbooks(
        "playbooks:\n"
        "  - {id: save, name: S, trigger: {band: unhealthy}, steps: [{task: {title: 'Save', priority: high}}]}\n"
        "  - {id: call, name: C, trigger: {indicator: negative_feedback}, steps: [{task: {title: 'Call', priority: urgent}}]}\n"
    )
    run = run_playbooks(store, rules, AS_OF, SCORECARD, cap=2)
    # carla: the urgent call on a1 first, then the one save of most MRR (a2: 500); dan's own cap is untouched
    assert store.fetchall("SELECT owner, account_id, playbook FROM tasks ORDER BY owner, account_id") == [
        ("carla", "a1", "call"), ("carla", "a2", "save"), ("dan", "b1", "save"),
    ]
    assert run.waiting == {"save": 3} and "3 tasks wait for the next days" in run.notes[0]
    # a re-run of the same day opens nothing more; the next day takes up the accounts that waited
    assert run_playbooks(store, rules, AS_OF, SCORECARD, cap=2).tasks == 0
    for number in (1, 2, 3, 4):
        add_score(store, f"a{number}", AS_OF + timedelta(days=1), 40, "unhealthy", SCORECARD.version)
    next_day = run_playbooks(store, rules, AS_OF + timedelta(days=1), SCORECARD, cap=2)
    assert next_day.accounts["save"] == 2
    assert {a for (a,) in store.fetchall("SELECT account_id FROM tasks WHERE playbook = 'save'")} == {
        "a2", "a3", "a4", "b1"}  # a3 (300) and a4 (200) before a1 (100)


def test_a_task_is_worded_in_the_readers_language_from_its_cause_and_numbers(store):
    from nabd.playbooks.tasks import task_list
    from nabd.playbooks.wording import task_title

    add_account(store, "a1", name="Al Noor Trading", renewal=AS_OF + timedelta(days=60))
    # baseline: 640 minutes in the 8 weeks before the last 14 days = 80 a week; recent: 88 in 14 days = 44 a week
    store.execute("INSERT INTO activity_daily VALUES ('a1', 'c1', ?, 'session', 1, 640)", [AS_OF - timedelta(days=30)])
    store.execute("INSERT INTO activity_daily VALUES ('a1', 'c1', ?, 'session', 1, 88)", [AS_OF - timedelta(days=3)])
    fired(store, "usage_drop")  # the shipped thresholds: 14 recent days, 8 weeks before, a 30% drop
    rules = parse_playbooks(
        "playbooks:\n  - id: usage\n    name: U\n    trigger: {indicator: usage_drop}\n    steps:\n"
        "      - task: {title: {en: 'Call {account_name}: {reason}', ar: 'اتصل بـ{account_name}: {reason}'}}\n"
    )
    run_playbooks(store, rules, AS_OF, SCORECARD)
    (task,) = task_list(store)
    english, arabic = task_title(task, "en"), task_title(task, "ar")
    # (44 - 80) / 80 = -45%
    assert english == task["title"] == "Call Al Noor Trading: usage fell 45% below its usual week; renewal on 29 Aug 2026"
    assert arabic.startswith("اتصل بـAl Noor Trading: انخفض الاستخدام ") and "التجديد في" in arabic
    assert not any("a" <= ch <= "z" for ch in arabic.replace("Al Noor Trading", ""))
