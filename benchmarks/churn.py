"""Churn model benchmark: fit on weekly examples over 18 months and predict every account, on the demo company.

    .venv/bin/python benchmarks/churn.py [--accounts 20000] [--every 7] [--reuse] [--scale-rows 7800000]

The company is `nabd demo`'s (build_demo, 18 months, seed 7) at --accounts in a DuckDB file under
/tmp/nabd_bench_churn (--reuse keeps it). It times, in one process:
- examples: the candidate measures' values and labels of every account active on each weekly as-of date
  (nabd.risk.churn_examples.example_frame, one compiled query run per date);
- fit: LightGBM and the L1 logistic baseline on the fit dates, calibration on the validation dates
  (nabd.risk.churn_training.fit_churn_model, without the scorecard comparison);
- predict: probabilities, SHAP contributions and reasons of every account active on the last day
  (nabd.risk.churn_storage.predict_risk), against the bare scan of the same features for that day
  (example_frame for one date, no model): the ratio is what the model and the reasons add;
- with --scale-rows R: LightGBM's fit alone on R rows drawn with replacement from the real examples
  (the training cost at a size the demo generator cannot reach here in time; the features are real rows).
Peak resident memory of the process is printed (ru_maxrss).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from datetime import date
from pathlib import Path

import numpy as np

from nabd.demo import build_demo
from nabd.risk.churn_examples import example_frame, feature_specs, labelled_dates, last_day, split_out_of_time
from nabd.risk.churn_model import GradientBoostedChurn
from nabd.risk.churn_storage import predict_risk
from nabd.risk.churn_training import fit_churn_model
from nabd.store import open_store

WORK = Path("/tmp/nabd_bench_churn")
END = date(2026, 10, 31)


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--every", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--scale-rows", type=int, default=0)
    args = parser.parse_args()
    folder = WORK / f"{args.accounts}-accounts"
    path = folder / "nabd.duckdb"
    if not (args.reuse and path.exists()):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        started = time.perf_counter()
        with open_store(f"duckdb:///{path}") as store:
            build_demo(store, accounts=args.accounts, months=18, seed=7, end_date=END, workdir=folder / "files")
        print(f"demo of {args.accounts:,} accounts built in {time.perf_counter() - started:.0f} s")
    with open_store(f"duckdb:///{path}") as store:
        dates = labelled_dates(store, 90, args.every)
        fit_dates, validate_dates = split_out_of_time(dates, 90)
        specs = feature_specs(store, validate_dates[0])
        started = time.perf_counter()
        examples = example_frame(store, specs, fit_dates + validate_dates, 90)
        took_examples = time.perf_counter() - started
        rows = len(examples.frame)
        print(f"examples: {rows:,} (account, as-of) rows x {len(specs)} features over {len(dates)} dates "
              f"every {args.every} days: {took_examples:.1f} s ({rows / took_examples:,.0f} rows/s)")
        started = time.perf_counter()
        model = fit_churn_model(store, 90, args.every, "lightgbm", compare=False)
        took_fit = time.perf_counter() - started
        print(f"fit (examples again + LightGBM + logistic + calibration): {took_fit:.1f} s; out-of-time AUC "
              f"{model.metrics['auc']:.3f}, PR-AUC {model.metrics['pr_auc']:.3f}, lift "
              f"{model.metrics['top_decile_lift']:.2f}, Brier {model.metrics['brier']:.4f}; peak {peak_gib():.2f} GiB")
        day = last_day(store)
        started = time.perf_counter()
        bare = example_frame(store, model.measure_specs(), [day], None)
        took_bare = time.perf_counter() - started
        started = time.perf_counter()
        accounts, p, told = predict_risk(store, model, day)
        took_predict = time.perf_counter() - started
        print(f"predict {len(accounts):,} accounts: {took_predict:.2f} s; bare scan of their features "
              f"({len(bare.frame):,} rows): {took_bare:.2f} s; ratio {took_predict / took_bare:.2f}")
        if args.scale_rows:
            frame = examples.frame
            X = frame[examples.features].to_numpy(dtype=np.float32)
            y = frame["churned"].to_numpy().astype(int)
            drawn = np.random.default_rng(7).integers(0, len(X), args.scale_rows)
            X, y = X[drawn], y[drawn]
            started = time.perf_counter()
            GradientBoostedChurn("lightgbm").fit(X, y)
            print(f"LightGBM fit alone on {args.scale_rows:,} resampled rows x {X.shape[1]} features: "
                  f"{time.perf_counter() - started:.1f} s; peak {peak_gib():.2f} GiB")
    print(f"peak resident memory of the process: {peak_gib():.2f} GiB")


if __name__ == "__main__":
    main()
