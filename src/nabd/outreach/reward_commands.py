"""The `nabd rewards` commands (list, approve, reject the rewards ledger), `nabd referrals` (the funnel, a
contact's referral link) and `nabd loyalty tiers` (each account's tier on a day, computed, nothing stored).

cli.py calls :func:`register`. A decision made here is recorded as by ``cli:<the operating-system user>``.
"""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from nabd.config import load_settings
from nabd.console import DatabaseOption, console, open_configured_store
from nabd.errors import NabdError
from nabd.feedback.links import link_key
from nabd.health.commands import date_option
from nabd.outreach.loyalty import account_tiers, load_loyalty
from nabd.outreach.referrals import list_prospects, referral_funnel, referral_url
from nabd.outreach.rewards import decide, list_rewards
from nabd.store.calendar import today
from nabd.store.clock import utc_now

rewards_app = typer.Typer(help="The rewards ledger: rewards earned by referrals and loyalty tiers, for an admin "
                               "to approve or reject.", no_args_is_help=True)
referrals_app = typer.Typer(help="The referral programme: the funnel and each contact's referral link.",
                            no_args_is_help=True)
loyalty_app = typer.Typer(help="Loyalty tiers from tenure, NPS and usage (loyalty.yaml, NABD_LOYALTY).",
                          no_args_is_help=True)
StatusOption = Annotated[str | None, typer.Option("--status", help="pending, approved or rejected.")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why (kept with the decision).")]


def _amount(row: dict) -> str:
    if row["kind"] == "credit":
        return f"{row['amount']:.2f} {row['currency']}"
    return f"{row['amount']:.0f}%" if row["kind"] == "discount" else ""


@rewards_app.command("list")
def list_command(database: DatabaseOption = None, status: StatusOption = None) -> None:
    """The rewards, newest first: who earned what, why, and who decided it."""
    with open_configured_store(database) as store:
        rows = list_rewards(store, status=status)
    table = Table("reward", "account", "kind", "amount", "description", "earned on", "status", "decided")
    for row in rows:
        decided = f"{row['decided_by']} {row['decided_at']:%Y-%m-%d %H:%M}" if row["decided_by"] else ""
        table.add_row(row["reward_id"], row["account_name"] or row["account_id"], row["kind"], _amount(row),
                      row["description_en"] or "", str(row["earned_on"]), row["status"], decided)
    console.print(table)


def _decide(reward_id: str, decision: str, database: str | None, note: str | None) -> None:
    with open_configured_store(database) as store:
        row = decide(store, reward_id, decision, by=f"cli:{getpass.getuser()}", now=utc_now(), note=note)
    console.print(f"{row['reward_id']}: {row['status']} by {row['decided_by']}", highlight=False)


@rewards_app.command("approve")
def approve(reward_id: Annotated[str, typer.Argument(help="The reward's id (nabd rewards list).")],
            database: DatabaseOption = None, note: NoteOption = None) -> None:
    """Approve a pending reward."""
    _decide(reward_id, "approve", database, note)


@rewards_app.command("reject")
def reject(reward_id: Annotated[str, typer.Argument(help="The reward's id (nabd rewards list).")],
           database: DatabaseOption = None, note: NoteOption = None) -> None:
    """Reject a pending reward."""
    _decide(reward_id, "reject", database, note)


@referrals_app.command("funnel")
def funnel(database: DatabaseOption = None,
           account: Annotated[str | None, typer.Option(help="One referrer account.")] = None) -> None:
    """The funnel (visited, signed up, paying) and the newest prospects."""
    with open_configured_store(database) as store:
        counts = referral_funnel(store, account)
        rows = list_prospects(store, account)
    console.print(f"visited {counts['visited']}, signed up {counts['signed_up']}, paying {counts['paying']}")
    table = Table("code", "referrer", "status", "first visit", "domain", "referred account", "paying on")
    for row in rows:
        table.add_row(row["referral_id"], row["account_id"], row["status"], f"{row['visited_at']:%Y-%m-%d}",
                      row["email_domain"] or "", row["referred_account_id"] or "", str(row["paying_on"] or ""))
    console.print(table)


@referrals_app.command("link")
def link(contact: Annotated[str, typer.Argument(help="The contact's id.")], database: DatabaseOption = None) -> None:
    """The contact's signed referral link (needs NABD_PUBLIC_URL)."""
    base = load_settings().public_url
    if not base:
        raise NabdError("NABD_PUBLIC_URL is not set: a referral link points there")
    with open_configured_store(database) as store:
        if not store.scalar("SELECT count(*) FROM contacts WHERE contact_id = ?", [contact]):
            raise NabdError("there is no contact %(contact)r", contact=contact)
        console.print(referral_url(base, link_key(store), contact, utc_now()), highlight=False, soft_wrap=True)


@loyalty_app.command("tiers")
def tiers(database: DatabaseOption = None,
          as_of: Annotated[datetime | None, date_option("--as-of", "The day (default: today).")] = None) -> None:
    """Each active account's loyalty tier on a day with its tenure, latest NPS and active days (nothing stored)."""
    loyalty = load_loyalty(load_settings().loyalty)
    day = as_of.date() if as_of else today()
    with open_configured_store(database) as store:
        rows = account_tiers(store, loyalty, day).order_by("account_id").to_pyarrow().to_pylist()
    table = Table("account", "tier", "tenure days", "latest NPS", "active days")
    for row in rows:
        table.add_row(row["account_id"], row["tier"],
                      *("" if row[column] is None else f"{row[column]:.0f}" for column in ("tenure", "nps", "usage")))
    console.print(table)
    console.print(f"{len(rows)} accounts in a tier on {day}")


def register(app: typer.Typer) -> None:
    """Add `nabd rewards`, `nabd referrals` and `nabd loyalty` to the command line."""
    app.add_typer(rewards_app, name="rewards")
    app.add_typer(referrals_app, name="referrals")
    app.add_typer(loyalty_app, name="loyalty")
