"""The generating engine of Ledger: an in-memory DuckDB with seeded draws, the plan menu and the words.

Draws are ``r1/r2/r3(salt, ...)``: the top 53 bits of the hash of a seeded hash of a salt and row
keys, as a uniform number in [0, 1). Hashed twice: DuckDB's hash of several values leaves the draws
of two salts for one row correlated (r = 0.6 at seed 7), the hash of that hash does not. They never call ``random()``, so the same seed gives the same files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from nabd.demo.companies.ledger import words
from nabd.store.sql import string_literal

# plan, segment, share of the segment choosing it (cumulative lo, hi), cadence, renewal step
# (days, months), price per seat per billing cycle (USD), seats (lo, hi), churn chance per renewal.
PLAN_MENU = [
    ("Solo Weekly", "freelancer", 0.0, 0.4, "weekly", 7, 0, 6.0, 1, 1, 0.0065),
    ("Solo Monthly", "freelancer", 0.4, 1.0, "monthly", 0, 1, 24.0, 1, 1, 0.026),
    ("Team Monthly", "studio", 0.0, 0.6, "monthly", 0, 1, 17.0, 2, 12, 0.021),
    ("Team Annual", "studio", 0.6, 1.0, "annual", 0, 12, 168.0, 3, 15, 0.20),
    ("Team Monthly", "agency", 0.0, 0.2, "monthly", 0, 1, 17.0, 8, 25, 0.016),
    ("Agency Annual", "agency", 0.2, 1.0, "annual", 0, 12, 240.0, 10, 60, 0.15),
]
COUNTRIES = [  # country, share (cumulative lo, hi), share of Arabic-speaking workspaces
    ("JO", 0.0, 0.14, 0.75), ("EG", 0.14, 0.30, 0.8), ("AE", 0.30, 0.42, 0.45), ("SA", 0.42, 0.55, 0.8),
    ("MA", 0.55, 0.62, 0.6), ("GB", 0.62, 0.78, 0.02), ("IE", 0.78, 0.84, 0.0), ("CA", 0.84, 0.93, 0.03),
    ("NL", 0.93, 1.0, 0.0),
]


def open_engine(seed: int, workdir: Path, *, months: int, end_date: date) -> duckdb.DuckDBPyConnection:
    """A DuckDB with the draws, ``history`` (start_date, end_date), ``plan_menu``, ``countries`` and ``words``."""
    con = duckdb.connect(config={"preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = {string_literal(workdir / '.ledger-spill')}")
    scale = 2.0 ** 53
    con.execute(f"""
    CREATE MACRO r1(salt, a) AS (hash(hash({int(seed)}, 'ledger', salt, a)) >> 11) / {scale};
    CREATE MACRO r2(salt, a, b) AS (hash(hash({int(seed)}, 'ledger', salt, a, b)) >> 11) / {scale};
    CREATE MACRO r3(salt, a, b, c) AS (hash(hash({int(seed)}, 'ledger', salt, a, b, c)) >> 11) / {scale};
    CREATE MACRO choose(items, u) AS items[1 + floor(u * len(items))::INTEGER];
    CREATE MACRO workspace_id(i) AS 'ws_' || printf('%08x', (i * 2654435761) % 4294967296);
    """)
    con.execute("CREATE TABLE history AS SELECT (?::DATE - to_months(?))::DATE AS start_date, ?::DATE AS end_date",
                [end_date, months, end_date])
    con.execute("CREATE TABLE plan_menu (plan TEXT, segment TEXT, lo DOUBLE, hi DOUBLE, cadence TEXT,"
                " step_days INTEGER, step_months INTEGER, cycle_price DOUBLE, seats_lo INTEGER,"
                " seats_hi INTEGER, churn_per_renewal DOUBLE)")
    con.executemany("INSERT INTO plan_menu VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", PLAN_MENU)
    con.execute("CREATE TABLE countries (country TEXT, lo DOUBLE, hi DOUBLE, arabic DOUBLE)")
    con.executemany("INSERT INTO countries VALUES (?, ?, ?, ?)", COUNTRIES)
    subjects = {f"{category.replace('-', '_')}_{lang}": texts[k] for category, texts in words.TICKET_SUBJECTS.items()
                for k, lang in enumerate(("en", "ar"))}
    comments = {f"{tone}_{lang}": texts[k] for tone, texts in words.COMMENTS.items()
                for k, lang in enumerate(("en", "ar"))}
    lists = {
        "name_first": words.NAME_FIRST, "name_last": words.NAME_LAST, "ar_name_first": words.AR_NAME_FIRST,
        "ar_name_last": words.AR_NAME_LAST, "csms": words.CSMS, "integrations": words.INTEGRATIONS,
        "body_en": words.TICKET_BODY[0], "body_ar": words.TICKET_BODY[1],
        "people_first": words.PEOPLE_FIRST, "people_last": words.PEOPLE_LAST,
        "ar_people_first": words.AR_PEOPLE_FIRST, "ar_people_first_latin": words.AR_PEOPLE_FIRST_LATIN,
        "ar_people_last": words.AR_PEOPLE_LAST, "ar_people_last_latin": words.AR_PEOPLE_LAST_LATIN,
        **{f"subject_{key}": value for key, value in subjects.items()},
        **{f"comment_{key}": value for key, value in comments.items()},
    }
    columns = ", ".join(f"?::TEXT[] AS {name}" for name in lists)
    con.execute(f"CREATE TABLE words AS SELECT {columns}", list(lists.values()))
    return con


