"""The daily run (``nabd run``, and ``nabd serve`` on its schedule): import pending files, analyse
comments, score, onboarding, indicators, playbooks, referrals and loyalty tiers, journeys, the monthly report (queued once a month), notify.

Re-running the same day repeats nothing: scores and indicator firings of the date are replaced,
playbooks skip the accounts they already acted on that day, and only due notifications are sent.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from nabd.config import SmtpSettings, load_settings
from nabd.errors import NabdError
from nabd.health.scorecard import Scorecard
from nabd.health.versions import active_scorecard
from nabd.feedback.analysis import analyse_comments
from nabd.health.scoring import ScoringRun, run_scoring
from nabd.ingest.reading import file_format
from nabd.ingest.tables import IMPORTABLE_TABLES
from nabd.outreach.advance import JourneyRun, advance_journeys
from nabd.outreach.loyalty import TierRun, load_loyalty, refresh_tiers
from nabd.outreach.referrals import ReferralRun, refresh_referrals
from nabd.pipeline.imports import AnalysedImport, import_and_analyse
from nabd.playbooks.indicators import (
    IndicatorRun,
    IndicatorSettings,
    evaluate_indicators,
    load_indicator_settings,
)
from nabd.playbooks.digest import queue_digests
from nabd.playbooks.inbox import record_warning_figures
from nabd.playbooks.renewals import record_renewal_figures
from nabd.playbooks.onboarding import Onboarding, load_onboarding, refresh_onboarding
from nabd.playbooks.outbox import Delivery, deliver
from nabd.playbooks.playbook import Playbooks, load_playbooks
from nabd.playbooks.runner import PlaybookRun, run_playbooks
from nabd.report.delivery import queue_monthly_reports
from nabd.risk.churn_refresh import refresh_churn_risk
from nabd.risk.clv_storage import refresh_clv
from nabd.store import Store
from nabd.store.clock import utc_now


_one_run = threading.Lock()  # one run at a time in this process: the server's own and a handed-off `nabd run`


@dataclass
class DailyRun:
    """What one daily run did, step by step."""

    as_of: date
    imported: list[AnalysedImport] = field(default_factory=list)
    comments_analysed: int = 0
    scoring: ScoringRun | None = None
    milestones: int = 0
    indicators: IndicatorRun | None = None
    playbooks: PlaybookRun | None = None
    journeys: JourneyRun | None = None
    referrals: ReferralRun | None = None
    tiers: TierRun | None = None
    delivery: Delivery | None = None
    notes: list[str] = field(default_factory=list)


def pending_files(inbox: Path) -> list[tuple[str, Path]]:
    """(table, file) for each ``<table>*.csv|parquet|jsonl`` file in the inbox, in the order tables are loaded
    (accounts before what refers to them), then by name."""
    if not inbox.is_dir():
        raise NabdError(f"the inbox {inbox} is not a folder")
    found = []
    for path in sorted(p for p in inbox.iterdir() if p.is_file()):
        table = max((t for t in IMPORTABLE_TABLES if path.name.lower().startswith(t)), key=len, default=None)
        try:
            file_format(path)
        except NabdError:
            continue
        if table:
            found.append((table, path))
    order = list(IMPORTABLE_TABLES)
    return sorted(found, key=lambda pair: (order.index(pair[0]), pair[1].name))


def import_pending(store: Store, inbox: Path, run: DailyRun) -> None:
    """Import each pending file and move it to ``inbox/done/``; a refused file stays, with a note."""
    done = inbox / "done"
    for table, path in pending_files(inbox):
        try:
            run.imported.append(import_and_analyse(store, table, path))
        except NabdError as error:
            run.notes.append(f"{path.name} not imported: {error}")
            continue
        done.mkdir(exist_ok=True)
        shutil.move(str(path), str(done / path.name))


def run_daily(
    store: Store, as_of: date, *, inbox: Path | None = None, scorecard: Scorecard | None = None,
    playbooks: Playbooks | None = None, indicators: IndicatorSettings | None = None,
    onboarding: Onboarding | None = None, notify: bool = True, smtp: SmtpSettings | None = None,
) -> DailyRun:
    """One daily run for ``as_of``; safe to repeat. Runs of one process take turns."""
    with _one_run:
        return _run_daily(store, as_of, inbox, scorecard, playbooks, indicators, onboarding, notify, smtp)


def _run_daily(
    store: Store, as_of: date, inbox: Path | None, scorecard: Scorecard | None, playbooks: Playbooks | None,
    indicators: IndicatorSettings | None, onboarding: Onboarding | None, notify: bool, smtp: SmtpSettings | None,
) -> DailyRun:
    scorecard = scorecard or active_scorecard(store)
    onboarding = onboarding or load_onboarding()
    run = DailyRun(as_of)
    if inbox is not None:
        import_pending(store, inbox, run)
    run.comments_analysed = analyse_comments(store)  # sentiment feeds a measure and an indicator
    run.scoring = run_scoring(store, scorecard, as_of)
    run.notes += refresh_churn_risk(store, as_of)  # when a churn model was fitted: retrain by its rule, predict
    run.notes += refresh_clv(store, as_of, load_settings().reporting_currency)  # residual lifetime value (sBG)
    run.milestones = refresh_onboarding(store, onboarding)
    run.indicators = evaluate_indicators(
        store, as_of, indicators or load_indicator_settings(), scorecard=scorecard, onboarding=onboarding
    )
    run.playbooks = run_playbooks(store, playbooks or load_playbooks(), as_of, scorecard)
    record_warning_figures(store, as_of)  # each indicator's precision and lead time, for the risk inbox
    record_renewal_figures(store, as_of, scorecard, load_settings().reporting_currency)  # weekly: forecast accuracy
    loyalty = load_loyalty(load_settings().loyalty)  # referred accounts that became paying, loyalty tiers, rewards
    run.referrals = refresh_referrals(store, as_of, utc_now(), loyalty)
    run.tiers = refresh_tiers(store, as_of, utc_now(), loyalty)
    run.journeys = advance_journeys(store, as_of, scorecard=scorecard)
    if notify:
        settings = load_settings()
        run.notes += queue_monthly_reports(store, settings.report_recipients, as_of, settings.working_days)
        queue_digests(store, as_of, reporting_currency=settings.reporting_currency,
                      public_url=settings.public_url)  # each user's morning digest, once a day
        run.delivery = deliver(store, smtp=smtp)
    return run
