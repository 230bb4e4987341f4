"""How well could any score rank Ledger's churn? The out-of-time AUC of scores that read Ledger's hidden
fates (which no file carries), on the check dates `nabd scorecard init` uses (issue 21's 0.70 target).

    .venv/bin/python benchmarks/ledger_ceiling.py [--accounts 1000] [--seed 7] [--every 28] [--work DIR]

Ledger (the second demo company) is built into a DuckDB store as the tests build it; the labelled pairs
(account active on an as-of date, churned within 90 days by the subscription definition) are the backtest's
own (:func:`nabd.health.backtest.outcome_frame`). The generator's hidden tables are then drawn again from
the same seed (``ws`` and ``fates``: appetite, churn chance per renewal, the cause and the window of its
signs) and these scores are measured on those pairs:

- ``plan renewals``: 1 - (1 - p)^n, p the plan's churn chance per renewal for its segment (appetite left
  out), n the renewals due in (as_of, as_of + 90 days]: what the plan and the renewal calendar can tell;
- ``renewals``: the same with p_leave, the workspace's own hidden chance (its appetite in it too);
- ``signs``: 1 while the account is inside its window of signs on the as-of date (churners with a cause,
  and the scares that recover), else 0: knowing exactly when every sign shows;
- ``signs then plan renewals``, ``signs then renewals``: ``signs`` first, ties broken by the other.

Each reads more than the data shows (a sign's window is known here from its first day, where the data shows
it only as activity falls, invoices go late...), so each AUC is an upper bound for a score read from the
data on those pairs, not a figure to reach.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import numpy as np

from nabd.demo.companies.ledger import build_ledger
from nabd.demo.companies.ledger.engine import open_engine
from nabd.demo.companies.ledger.workspaces import PLAN_LEAVE, P_LEAVE, create_fates, create_workspaces
from nabd.health.backtest import auc, backtest_dates, outcome_frame
from nabd.health.scorecard import load_scorecard
from nabd.health.suggest import split_dates
from nabd.store import open_store

END = date(2026, 10, 31)
HORIZON = 90


def hidden_scores(args: argparse.Namespace, pairs) -> dict[str, np.ndarray]:
    """The scores of the module's docstring for each (account_id, as_of) of ``pairs``."""
    con = open_engine(args.seed, args.work, months=args.months, end_date=END)
    try:
        create_workspaces(con, args.accounts)
        create_fates(con)
        con.register("pairs", pairs[["account_id", "as_of"]].assign(row=np.arange(len(pairs))))
        rows = con.execute(f"""
        WITH hidden AS (
            SELECT ws.account_id, ws.created_at::DATE AS born, ws.step_days, ws.step_months,
                   {P_LEAVE} AS p_leave, {PLAN_LEAVE} AS p_plan,
                   f.sig_start, f.sig_end
            FROM ws JOIN fates f USING (i)
        ), renewals AS (
            SELECT h.account_id, (h.born + to_days((k * h.step_days)::INTEGER)
                                  + to_months((k * h.step_months)::INTEGER))::DATE AS renewal_date
            FROM hidden h, unnest(range(1, 2000)) u(k)
            WHERE h.born + to_days((k * h.step_days)::INTEGER) + to_months((k * h.step_months)::INTEGER)
                  <= DATE '{END}' + 400
        )
        SELECT p.row,
               1 - pow(1 - h.p_leave, (SELECT count(*) FROM renewals r WHERE r.account_id = p.account_id
                                        AND r.renewal_date > p.as_of::DATE
                                        AND r.renewal_date <= p.as_of::DATE + {HORIZON})) AS renewals,
               1 - pow(1 - h.p_plan, (SELECT count(*) FROM renewals r WHERE r.account_id = p.account_id
                                        AND r.renewal_date > p.as_of::DATE
                                        AND r.renewal_date <= p.as_of::DATE + {HORIZON})) AS plan_renewals,
               CASE WHEN h.sig_start <= p.as_of::DATE AND p.as_of::DATE < h.sig_end THEN 1 ELSE 0 END AS signs
        FROM pairs p JOIN hidden h USING (account_id) ORDER BY p.row
        """).fetchall()
    finally:
        con.close()
    if len(rows) != len(pairs):
        raise SystemExit(f"{len(pairs) - len(rows)} labelled pairs have no hidden fate: not the same company")
    renewals = np.array([r[1] for r in rows], dtype=float)
    plan = np.array([r[2] for r in rows], dtype=float)
    signs = np.array([r[3] for r in rows], dtype=float)
    return {"plan renewals": plan, "renewals": renewals, "signs": signs, "signs then plan renewals": signs * 10 + plan,
            "signs then renewals": signs * 10 + renewals}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--months", type=int, default=18)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--every", type=int, default=28, help="days between as-of dates (scorecard init's --every)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/nabd_bench_ceiling"))
    args = parser.parse_args()
    folder = args.work / f"{args.accounts}-accounts-seed-{args.seed}"
    path = folder / "ledger.duckdb"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with open_store(f"duckdb:///{path}") as store:
            build_ledger(store, accounts=args.accounts, months=args.months, seed=args.seed, end_date=END,
                         workdir=folder / "files")
    with open_store(f"duckdb:///{path}") as store:
        _, check = split_dates(backtest_dates(store, None, None, args.every, HORIZON), HORIZON)
        frame = outcome_frame(store, load_scorecard(), check, HORIZON)
    churned = frame["churned"].to_numpy().astype(int)
    print(f"Ledger {args.accounts:,} workspaces, seed {args.seed}: {len(frame):,} (account, as-of) pairs on "
          f"{len(check)} check dates {check[0]}..{check[-1]}, {churned.sum():,} churned within {HORIZON} days")
    for name, score in hidden_scores(args, frame).items():
        print(f"{name:22s} AUC {auc(score, churned):.3f}")


if __name__ == "__main__":
    main()
