"""``nabd feedback ...``: analyse comments, read themes, send surveys, retrain the sentiment model."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from nabd.console import DatabaseOption, console, open_configured_store


def register(app: typer.Typer) -> None:
    """Add the ``feedback`` command group to the ``nabd`` app."""
    feedback = typer.Typer(help="Voice of the customer: surveys, sentiment and themes of comments.",
                           no_args_is_help=True)

    @feedback.command("analyse")
    def analyse(database: DatabaseOption = None) -> None:
        """Analyse every survey comment and ticket not analysed yet (language, sentiment, themes)."""
        from nabd.feedback.analysis import analyse_comments

        with open_configured_store(database) as store:
            console.print(f"analysed {analyse_comments(store):,} comments")

    @feedback.command("themes")
    def themes(
        start: Annotated[date, typer.Option("--from", help="First day (YYYY-MM-DD).", formats=["%Y-%m-%d"])],
        end: Annotated[date, typer.Option("--to", help="Last day (YYYY-MM-DD).", formats=["%Y-%m-%d"])],
        period: Annotated[str, typer.Option(help="day, week, month or quarter.")] = "month",
        by: Annotated[str | None, typer.Option(help="Break down by segment, plan, country, csm or cohort.")] = None,
        detractors: Annotated[bool, typer.Option(help="Only comments of detractors (NPS 0-6, CSAT 1-2, CES 1-3).")] = False,
        database: DatabaseOption = None,
    ) -> None:
        """Comments per theme and period (and segment), with their share of all analysed comments."""
        from nabd.feedback.themes_report import theme_counts

        with open_configured_store(database) as store:
            counts = theme_counts(store, period=period, start=start, end=end, by=by,
                                  detractors_only=detractors).to_pandas()
        table = Table("period", *([by] if by else []), "theme", "comments", "negative", "share")
        for row in counts.itertuples():
            table.add_row(str(row.period_start), *([str(getattr(row, by))] if by else []), row.theme,
                          f"{row.comments:,}", f"{row.negative:,}", f"{row.share:.1%}")
        console.print(table)

    @feedback.command("send")
    def send(
        survey: Annotated[str, typer.Argument(help="Survey id from the survey definitions (e.g. relationship-nps).")],
        base_url: Annotated[str, typer.Option(help="Public URL of the Nabd server the links point to.")],
        contact: Annotated[list[str] | None, typer.Option(help="Contact id to survey (repeat); default: the contacts its touchpoint makes due today.")] = None,
        surveys_file: Annotated[Path | None, typer.Option("--surveys", help="Survey definitions YAML (default: the shipped ones).")] = None,
        database: DatabaseOption = None,
    ) -> None:
        """E-mail a survey with personal signed links (SMTP from NABD_SMTP_HOST/PORT/FROM), throttled."""
        from nabd.feedback.sending import contacts_due, send_survey
        from nabd.feedback.surveys import load_surveys
        from nabd.store.calendar import today

        book = load_surveys(surveys_file)
        with open_configured_store(database) as store:
            chosen = contact or contacts_due(store, book.survey(survey), today())
            report = send_survey(store, survey, chosen, base_url=base_url, book=book)
        console.print(f"sent {len(report.sent)}; throttled {len(report.throttled)}; "
                      f"unsubscribed {len(report.unsubscribed)}; without e-mail {len(report.without_email)}")

    @feedback.command("widget-key")
    def widget_key_command(database: DatabaseOption = None) -> None:
        """The key your server signs in-app widget users with: hex HMAC-SHA256(key, "ACCOUNT_ID:CONTACT_ID")."""
        from nabd.feedback.widget import widget_key

        with open_configured_store(database) as store:
            console.print(widget_key(store))

    @feedback.command("train")
    def train(
        data: Annotated[Path | None, typer.Option(help="the public sentiment dataset folder "
                                                     "(default: $NABD_SENTIMENT_DATA or shared/datasets/sentiment)")] = None,
    ) -> None:
        """Refit the shipped sentiment model on the own train split and the public tier-A rows
        outside the public evaluation split."""
        from nabd.feedback.training import train_shipped_model

        console.print(f"model written to {train_shipped_model(folder=data)}")

    app.add_typer(feedback, name="feedback")
