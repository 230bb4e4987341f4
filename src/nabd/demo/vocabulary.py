"""Load the demo's vocabularies (texts.py) into the generating DuckDB as small lookup tables.

Weighted choices become tables of [lo, hi) slices of the unit interval, so a row picks its value
with one range join on a uniform draw; word lists become arrays in the one-row table ``lex``, picked by hash index.
"""

from __future__ import annotations

import duckdb

from nabd.demo import texts


def load_vocabulary(con: duckdb.DuckDBPyConnection) -> None:
    """Create the lookup tables that the generating SQL joins against."""
    total = sum(weight for _, weight, *_ in texts.COUNTRIES)
    rows, lo = [], 0.0
    for country, weight, arabic_share, currency, currency_share in texts.COUNTRIES:
        hi = lo + weight / total
        rows.append((lo, hi, country, arabic_share, currency, currency_share))
        lo = hi
    rows[-1] = (*rows[-1][:1], 1.0 + 1e-9, *rows[-1][2:])
    con.execute(
        "CREATE TABLE country_pick (lo DOUBLE, hi DOUBLE, country TEXT, arabic_share DOUBLE,"
        " local_currency TEXT, local_share DOUBLE)"
    )
    con.executemany("INSERT INTO country_pick VALUES (?, ?, ?, ?, ?, ?)", rows)

    total = sum(weight for _, weight, *_ in texts.SEGMENTS)
    rows, lo = [], 0.0
    for segment, weight, seats_lo, seats_hi, plans in texts.SEGMENTS:
        hi = lo + weight / total
        rows.append((lo, hi, segment, seats_lo, seats_hi, plans[0][0], plans[1][0]))
        lo = hi
    rows[-1] = (rows[-1][0], 1.0 + 1e-9, *rows[-1][2:])
    con.execute(
        "CREATE TABLE segment_pick (lo DOUBLE, hi DOUBLE, segment TEXT, seats_lo INTEGER,"
        " seats_hi INTEGER, plan_a TEXT, plan_b TEXT)"
    )
    con.executemany("INSERT INTO segment_pick VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    plans = {plan: price for *_, segment_plans in texts.SEGMENTS for plan, price in segment_plans}
    ordered = sorted(plans.items(), key=lambda item: item[1])
    con.execute("CREATE TABLE plan_price (level INTEGER, plan TEXT, usd_price INTEGER)")
    con.executemany(
        "INSERT INTO plan_price VALUES (?, ?, ?)",
        [(level, plan, price) for level, (plan, price) in enumerate(ordered, start=1)],
    )
    con.execute("CREATE TABLE currency_base (currency TEXT, rate DOUBLE)")
    con.executemany(
        "INSERT INTO currency_base VALUES (?, ?)",
        [("USD", 1.0), *texts.CURRENCY_BASE_RATES.items()],
    )

    words = {
        "csm": texts.CSMS,
        "feature": texts.FEATURES,
        "ar_first": [arabic for arabic, _ in texts.ARABIC_FIRST_NAMES],
        "ar_first_latin": [latin for _, latin in texts.ARABIC_FIRST_NAMES],
        "ar_family": [arabic for arabic, _ in texts.ARABIC_FAMILY_NAMES],
        "ar_family_latin": [latin for _, latin in texts.ARABIC_FAMILY_NAMES],
        "en_first": texts.ENGLISH_FIRST_NAMES,
        "en_family": texts.ENGLISH_FAMILY_NAMES,
        "ar_company_kind": texts.ARABIC_COMPANY[0],
        "ar_company_core": texts.ARABIC_COMPANY[1],
        "ar_company_trade": texts.ARABIC_COMPANY[2],
        "en_company_core": texts.ENGLISH_COMPANY[0],
        "en_company_trade": texts.ENGLISH_COMPANY[1],
        "en_company_kind": texts.ENGLISH_COMPANY[2],
        "role": texts.ROLES,
    }
    for language in ("ar", "en"):
        words[f"{language}_ticket_detail"] = texts.TICKET_DETAILS[language]
        words[f"{language}_ticket_closing"] = texts.TICKET_CLOSINGS[language]
    columns = ", ".join(f"?::TEXT[] AS {name}" for name in words)
    con.execute(f"CREATE TABLE lex AS SELECT {columns}", list(words.values()))

    con.execute(
        "CREATE TABLE comment_fragments (language TEXT, mood TEXT, openings TEXT[],"
        " subjects TEXT[], closings TEXT[])"
    )
    con.executemany(
        "INSERT INTO comment_fragments VALUES (?, ?, ?, ?, ?)",
        [(language, mood, *parts) for (language, mood), parts in texts.COMMENT_FRAGMENTS.items()],
    )
    con.execute(
        "CREATE TABLE ticket_texts (category TEXT, language TEXT, subjects TEXT[], openings TEXT[])"
    )
    con.executemany(
        "INSERT INTO ticket_texts VALUES (?, ?, ?, ?)",
        [(category, language, *parts) for (category, language), parts in texts.TICKET_TEXT.items()],
    )
    con.execute("CREATE TABLE relationship_notes (language TEXT, standing TEXT, notes TEXT[])")
    con.executemany(
        "INSERT INTO relationship_notes VALUES (?, ?, ?)",
        [(language, standing, notes) for (language, standing), notes in texts.RELATIONSHIP_NOTES.items()],
    )
