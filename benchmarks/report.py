"""Monthly report benchmark: one closed month's report at 100,000 accounts, against the metrics it reads.

    .venv/bin/python benchmarks/report.py [--accounts 100000] [--events 2000000] [--reuse]

The company is benchmarks/metrics.py's generator (accounts, subscriptions with upgrades and churn, events
rolled into activity_daily, surveys, tickets, acquisition costs), plus, in SQL: ticket texts of which 2% name
a competitor, their analysis rows (sentiment, themes) as `nabd analyse` would store them, weekly indicator
firings on 5% of the accounts, and two real scoring runs (the month's first and last day, default scorecard).
It times, in one process on the same store:
- baseline: the 11 metric tables of the 13 months the report reads (nabd.report.figures.metric_rows), i.e.
  the figures any report of those numbers must compute;
- the report: figures (headlines, waterfall, cohorts, top accounts, health movement, why customers left),
  the split of moved headlines, HTML with the charts (Node), and the PDF (WeasyPrint), in English and Arabic;
and prints each time and the ratio report / baseline.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import time
from datetime import date
from pathlib import Path

from nabd.health.scoring import run_scoring
from nabd.health.versions import active_scorecard
from nabd.report.figures import metric_rows, monthly_figures
from nabd.report.month import report_month
from nabd.report.render import render_html, render_pdf
from nabd.report.why import explanations
from nabd.store import open_store

WORK = Path("/tmp/nabd_bench_report")
MONTH, TODAY = date(2024, 5, 1), date(2026, 12, 6)


def _metrics_generator():
    spec = importlib.util.spec_from_file_location("bench_metrics", Path(__file__).with_name("metrics.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def feedback_and_warnings(store, accounts: int) -> None:
    """Ticket texts (2% naming a competitor), their analysis and themes, and weekly indicator firings."""
    store.execute("""UPDATE tickets SET subject = 'Export', body = CASE
        WHEN hash(ticket_id) % 100 = 0 THEN 'we are looking at Zendesk, it is cheaper'
        WHEN hash(ticket_id) % 100 = 1 THEN 'نفكر في الانتقال إلى هب سبوت'
        ELSE 'the export is slow again' END""")
    store.execute("""INSERT INTO feedback_analysis
        SELECT 'ticket', ticket_id, account_id, 'en', ['negative', 'neutral', 'positive'][1 + CAST(hash(ticket_id) % 3 AS BIGINT)],
               (CAST(hash(ticket_id) % 200 AS DOUBLE) - 100) / 100, '[]', md5(body), 'bench', now() FROM tickets""")
    store.execute("""INSERT INTO survey_responses SELECT 'RC' || response_id, account_id, contact_id, kind, score,
        'too expensive and support is slow', 'en', touchpoint, responded_at FROM survey_responses
        WHERE kind = 'nps' AND score <= 6 AND hash(response_id) % 4 = 0""")
    store.execute("""INSERT INTO feedback_analysis SELECT 'survey_response', response_id, account_id, 'en', 'negative', -0.8,
        '["pricing", "support_speed"]', md5(comment), 'bench', now() FROM survey_responses WHERE comment IS NOT NULL""")
    store.execute("""INSERT INTO feedback_themes SELECT 'survey_response', response_id, t FROM survey_responses,
        (VALUES ('pricing'), ('support_speed')) v(t) WHERE comment IS NOT NULL""")
    store.execute(f"""INSERT INTO indicator_firings (account_id, indicator, as_of, evidence, fired_at)
        SELECT 'A' || i, ['usage_drop', 'negative_feedback', 'band_down'][1 + i % 3], d, '{{}}', now()
        FROM range({accounts}) r(i), (SELECT CAST(unnest(generate_series(DATE '2024-01-06', DATE '2024-06-29', INTERVAL 7 DAY)) AS DATE) d) w
        WHERE hash(i * 31 + extract(doy FROM d)) % 20 = 0""")


def timed(run):
    began = time.perf_counter()
    result = run()
    return time.perf_counter() - began, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the store of the last run")
    args = parser.parse_args()
    path = WORK / "nabd.duckdb"
    if not (args.reuse and path.exists()):
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        with open_store(f"duckdb:///{path}") as store:
            seconds, _ = timed(lambda: _metrics_generator()(store, args.accounts, args.events, 18))
            print(f"generated {args.accounts:,} accounts / {args.events:,} events in {seconds:.1f} s")
            feedback_and_warnings(store, args.accounts)
            scorecard = active_scorecard(store)
            for day in (date(2024, 5, 1), date(2024, 5, 31)):
                seconds, _ = timed(lambda day=day: run_scoring(store, scorecard, day))
                print(f"scored {day} in {seconds:.1f} s")
    with open_store(f"duckdb:///{path}") as store:
        month = report_month(store, f"{MONTH:%Y-%m}", TODAY)
        baseline, _ = timed(lambda: metric_rows(store, month, "USD"))
        figures_s, figures = timed(lambda: monthly_figures(store, month, "USD"))
        why_s, why = timed(lambda: explanations(store, figures["headlines"], month, "USD"))
        print(f"accounts {args.accounts:,}: churned in {month:%Y-%m}: {figures['reasons']['churned']:,}, "
              f"competitor mentions {figures['reasons']['competitors']['mentions']:,}, "
              f"warned {figures['reasons']['warnings']['warned']:,}")
        print(f"baseline (the 13 months of metrics the report reads): {baseline:.1f} s")
        print(f"figures {figures_s:.1f} s, why {why_s:.1f} s")
        for language in ("en", "ar"):
            html_s, html = timed(lambda language=language: render_html(figures, why, language, TODAY))
            pdf_s, pdf = timed(lambda html=html: render_pdf(html))
            total = figures_s + why_s + html_s + pdf_s
            print(f"{language}: html with charts {html_s:.1f} s, pdf {pdf_s:.1f} s ({len(pdf) / 1024:.0f} KiB); "
                  f"report {total:.1f} s = {total / baseline:.2f} x baseline; target < 60 s")


if __name__ == "__main__":
    main()
