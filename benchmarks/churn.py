"""Churn model benchmark: fit on weekly examples over 18 months and predict every account, on a demo company.

    .venv/bin/python benchmarks/churn.py [--accounts 20000] [--every 7] [--reuse] [--folder DIR] [--stages]
                                         [--engine lightgbm|hgb|logistic] [--scale-rows 7800000]
                                         [--company demo|ledger] [--parts K]

With --company demo (the default) the company is `nabd demo`'s (build_demo, 18 months, seed 7) at --accounts in
a DuckDB file under --folder (default /tmp/nabd_bench_churn; --reuse keeps it). With --company ledger it is
Ledger (the second demo company, build_ledger, 18 months to the same end): --parts K Ledgers of --accounts
workspaces each, generated one at a time with seeds 7, 8, ... and merged into one store, the text ids of part
k >= 2 prefixed ``pk-`` (benchmarks/ledger_parts.py, as benchmarks/scorecard_init.py --parts does; the stores
under --folder, --reuse keeps them): 5 x 20,000 reaches 100,000 workspaces where the standard demo's generator
needs ~19 GiB. It times, in one process:
- fit: `nabd risk fit`'s own call (nabd.risk.churn_training.fit_churn_model with the scorecard comparison),
  broken down by the library's functions it calls (STAGES: timers wrapped around them, inclusive, with call
  counts): the examples (example_frame: the candidate measures' values and labels of every account active on
  each as-of date, one compiled query run per date), LightGBM, the logistic baseline, calibration, TreeSHAP
  over the validation rows (the importances), the scorecard's backtest on the validation dates. The examples
  are built once, inside the fit (this benchmark built them a second time before, to time them apart). Digests
  of the trees, the baseline and the figures say whether a change left the model and its figures as they were;
- predict (not with --stages): probabilities, SHAP contributions and reasons of every account active on the
  last day (nabd.risk.churn_storage.predict_risk), broken down the same way, against the bare scan of the same
  features for that day (example_frame for one date, no model): the ratio is what the model and reasons add;
- with --scale-rows R: LightGBM's fit alone on R rows drawn with replacement from the real examples
  (the training cost at a size the demo generator cannot reach here in time; the features are real rows).
Peak resident memory of the process is printed (ru_maxrss; a store built in the same run counts in it: a second
run with --reuse gives the fit's and predict's own).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib
import json
import resource
import shutil
import time
from pathlib import Path

import numpy as np

from ledger_parts import END, ledger_store  # benchmarks/ledger_parts.py
from nabd.demo import build_demo
from nabd.risk.churn_examples import example_frame, last_day
from nabd.risk.churn_model import GradientBoostedChurn
from nabd.risk.churn_storage import predict_risk
from nabd.risk.churn_training import fit_churn_model
from nabd.store import open_store

WORK = Path("/tmp/nabd_bench_churn")


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


STAGES = [  # (module, attribute): the functions a fit calls, timed by --stages (a class method as "Class.method")
    ("nabd.risk.churn_training", "labelled_dates"),
    ("nabd.risk.churn_training", "feature_specs"),
    ("nabd.risk.churn_training", "example_frame"),
    ("nabd.risk.churn_examples", "measure_values"),
    ("nabd.risk.churn_examples", "with_churn"),
    ("nabd.risk.churn_examples", "compile_per_day"),
    ("nabd.risk.churn_examples", "_frame"),
    ("nabd.risk.churn_training", "check_enough_churn"),
    ("nabd.risk.churn_model", "GradientBoostedChurn.fit"),
    ("nabd.risk.churn_model", "LogisticChurn.fit"),
    ("nabd.risk.churn_model", "GradientBoostedChurn.predict_log_odds"),
    ("nabd.risk.churn_model", "LogisticChurn.predict_log_odds"),
    ("nabd.risk.churn_training", "choose_calibration"),
    ("nabd.risk.churn_model", "GradientBoostedChurn.contributions"),
    ("nabd.risk.churn_model", "LogisticChurn.contributions"),
    ("nabd.risk.churn_training", "figures"),
    ("nabd.risk.churn_training", "calibration_table"),
    ("nabd.risk.churn_training", "scorecard_comparison"),
    ("nabd.risk.churn_training", "outcome_frame"),
    ("nabd.health.backtest", "outcomes"),
    ("nabd.health.backtest", "kept_per_day"),
    ("nabd.health.backtest", "account_mrr_on_days"),
    ("nabd.risk.churn_storage", "example_frame"),
    ("nabd.risk.churn_training", "ChurnModel.predict_proba"),
    ("nabd.risk.churn_training", "ChurnModel.contributions"),
    ("nabd.risk.churn_storage", "reasons"),
]


def timed_stages() -> dict[str, list[float]]:
    """Wrap each of STAGES in a timer; returns {name: [seconds, calls]}, filled as the wrapped functions run."""
    spent: dict[str, list[float]] = {}
    for module_name, attribute in STAGES:
        owner = importlib.import_module(module_name)
        *classes, name = attribute.split(".")
        for cls in classes:
            owner = getattr(owner, cls)
        original = getattr(owner, name)
        label = f"{module_name.rsplit('.', 1)[-1]}.{attribute}"
        spent[label] = [0.0, 0]

        def timed(*args, _original=original, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label][0] += time.perf_counter() - started
                spent[_label][1] += 1

        setattr(owner, name, functools.wraps(original)(timed))
    return spent


def digests(model) -> str:
    """sha256 (first 12 hex) of the figures and importances, of the trees (LightGBM's model text without its
    parameters section) and of the logistic baseline's coefficients."""
    def sha(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()[:12]

    figures = json.dumps({"metrics": model.metrics, "importances": model.importances}, sort_keys=True, default=str)
    trees = model.model.model_.model_to_string().split("\nparameters:")[0] if model.engine == "lightgbm" else ""
    baseline = np.append(model.baseline.coef_, model.baseline.intercept_).tobytes()
    return f"figures {sha(figures.encode())}, trees {sha(trees.encode())}, baseline {sha(baseline)}"


def breakdown(spent: dict[str, list[float]], total: float) -> None:
    """Print the stages that ran (inclusive seconds, calls, share of ``total``), then zero them."""
    for label, (seconds, calls) in spent.items():
        if calls:
            print(f"  {label:<45} {seconds:8.2f} s  {calls:4d} calls  {100 * seconds / total:5.1f}%")
        spent[label] = [0.0, 0]


def fit(store, every: int, engine: str, spent: dict[str, list[float]]):
    """`nabd risk fit`'s call, broken down by STAGES."""
    started = time.perf_counter()
    model = fit_churn_model(store, 90, every, engine)
    total = time.perf_counter() - started
    print(f"fit_churn_model (with the scorecard comparison): {total:.1f} s; {model.metrics['fit_pairs']:,} fit and "
          f"{model.metrics['validate_pairs']:,} validation pairs x {len(model.specs)} features over "
          f"{len(model.fit_dates)} + {len(model.validate_dates)} dates; AUC {model.metrics['auc']:.6f}, "
          f"PR-AUC {model.metrics['pr_auc']:.6f}, lift {model.metrics['top_decile_lift']:.4f}, Brier "
          f"{model.metrics['brier']:.6f}, scorecard AUC {model.metrics['scorecard']['auc']:.6f}; "
          f"peak {peak_gib():.2f} GiB")
    print(f"digests (equal before and after a change = the same model and figures): {digests(model)}")
    breakdown(spent, total)
    return model


def demo_store(work: Path, accounts: int, reuse: bool) -> Path:
    """The standard demo's store of ``accounts`` accounts (18 months, seed 7), built afresh unless ``reuse`` finds it."""
    folder = work / f"{accounts}-accounts"
    path = folder / "nabd.duckdb"
    if not (reuse and path.exists()):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        with open_store(f"duckdb:///{path}") as store:
            build_demo(store, accounts=accounts, months=18, seed=7, end_date=END, workdir=folder / "files")
        print(f"demo of {accounts:,} accounts built in {time.perf_counter() - started:.0f} s")
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--every", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--scale-rows", type=int, default=0)
    parser.add_argument("--folder", type=Path, default=WORK)
    parser.add_argument("--stages", action="store_true")
    parser.add_argument("--engine", default="lightgbm", choices=["lightgbm", "hgb", "logistic"])
    parser.add_argument("--company", default="demo", choices=["demo", "ledger"])
    parser.add_argument("--parts", type=int, default=1, help="with --company ledger: merge this many Ledgers of "
                        "--accounts (seeds 7, 8, ...)")
    args = parser.parse_args()
    if args.parts < 1 or (args.parts > 1 and args.company != "ledger"):
        parser.error("--parts K (K >= 1) is for --company ledger")
    if args.company == "ledger":
        path = ledger_store(args.folder, args.accounts, 18, args.parts, args.reuse)
    else:
        path = demo_store(args.folder, args.accounts, args.reuse)
    spent = timed_stages()
    with open_store(f"duckdb:///{path}") as store:
        model = fit(store, args.every, args.engine, spent)
        if not args.stages:
            day = last_day(store)
            started = time.perf_counter()
            bare = example_frame(store, model.measure_specs(), [day], None)
            took_bare = time.perf_counter() - started
            breakdown(spent, took_bare)
            started = time.perf_counter()
            accounts, p, told = predict_risk(store, model, day)
            took_predict = time.perf_counter() - started
            print(f"predict {len(accounts):,} accounts: {took_predict:.2f} s; bare scan of their features "
                  f"({len(bare.frame):,} rows): {took_bare:.2f} s; ratio {took_predict / took_bare:.2f}")
            breakdown(spent, took_predict)
        if args.scale_rows:
            examples = example_frame(store, model.measure_specs(), model.fit_dates + model.validate_dates, 90)
            X = examples.frame[examples.features].to_numpy(dtype=np.float32)
            y = examples.frame["churned"].to_numpy().astype(int)
            drawn = np.random.default_rng(7).integers(0, len(X), args.scale_rows)
            X, y = X[drawn], y[drawn]
            started = time.perf_counter()
            GradientBoostedChurn("lightgbm").fit(X, y)
            print(f"LightGBM fit alone on {args.scale_rows:,} resampled rows x {X.shape[1]} features: "
                  f"{time.perf_counter() - started:.1f} s; peak {peak_gib():.2f} GiB")
    print(f"peak resident memory of the process: {peak_gib():.2f} GiB")


if __name__ == "__main__":
    main()
