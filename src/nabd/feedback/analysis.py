"""Analyse every free-text comment in the store once: survey comments and ticket subjects + bodies.

A comment is (re)analysed when it has no row in ``feedback_analysis``, when its text changed (md5
differs) or when the shipped model changed (model_version differs); so running it again does
nothing new. Texts are read and results written in batches: staged, then one DELETE + INSERT.
``nabd import`` calls :func:`analyse_imported` for the rows of the file it just wrote.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime

import duckdb
import pyarrow as pa

from nabd.feedback.sentiment import analyse_texts, model_version
from nabd.store import Store
from nabd.store.clock import utc_now
from nabd.store.copying import copy_from_duckdb, duckdb_reader

BATCH = 1000
Progress = Callable[[str, int, int], None]
COMMENT_TABLES = {"survey_responses": "response_id", "tickets": "ticket_id"}
_KEYS = "feedback_imported_keys"
_TEXTS = """
    SELECT 'survey_response' AS source, response_id AS source_id, account_id, comment AS body, language
    FROM survey_responses WHERE comment IS NOT NULL AND trim(comment) <> '' {responses}
    UNION ALL
    SELECT 'ticket', ticket_id, account_id, concat_ws(chr(10), subject, body), NULL
    FROM tickets WHERE trim(concat_ws(' ', subject, body)) <> '' {tickets}
"""
_ANALYSIS_COLUMNS = ("source", "source_id", "account_id", "language", "sentiment", "sentiment_score",
                     "themes", "text_md5", "model_version", "analysed_at")


def analyse_comments(
    store: Store, response_ids: Sequence[str] | None = None, *, since: datetime | None = None,
    progress: Progress | None = None,
) -> int:
    """Analyse every comment not yet analysed (or only the survey responses ``response_ids``, or only
    comments made from ``since`` on: responded_at / opened_at); returns how many were analysed."""
    if response_ids is not None:
        marks = ", ".join("?" for _ in response_ids) or "NULL"
        texts = _TEXTS.format(responses=f"AND response_id IN ({marks})", tickets="AND FALSE")
        params: list = list(response_ids)
    elif since is not None:
        texts = _TEXTS.format(responses="AND responded_at >= ?", tickets="AND opened_at >= ?")
        params = [since, since]
    else:
        texts, params = _TEXTS.format(responses="", tickets=""), []
    return _analyse(store, texts, params, progress)


def analyse_imported(
    store: Store, table: str, reader: duckdb.DuckDBPyConnection, rows: str, *, progress: Progress | None = None,
) -> int:
    """Analyse the comments of the rows ``rows`` (a relation of ``reader``) just imported into ``table``
    whose text is new or changed; 0 for a table without comments. Returns how many were analysed."""
    key = COMMENT_TABLES.get(table)
    if key is None:
        return 0
    keys = reader.execute(f"SELECT CAST({key} AS VARCHAR) AS source_id FROM {rows}").fetch_arrow_table()
    keys = keys.cast(pa.schema([("source_id", pa.string())]))
    if keys.num_rows == 0:
        return 0
    _stage(store, _KEYS, keys)
    try:
        only = f"AND {key} IN (SELECT source_id FROM {_KEYS})"
        texts = _TEXTS.format(responses=only if table == "survey_responses" else "AND FALSE",
                              tickets=only if table == "tickets" else "AND FALSE")
        return _analyse(store, texts, [], progress)
    finally:
        _unstage(store, _KEYS)


def _analyse(store: Store, texts: str, params: list, progress: Progress | None) -> int:
    """Analyse the comments of ``texts`` whose analysis is missing or stale, BATCH at a time."""
    version = model_version()
    pending = store.fetchall(
        f"""WITH texts AS ({texts})
        SELECT t.source, t.source_id, t.account_id, t.body, t.language, md5(t.body)
        FROM texts t LEFT JOIN feedback_analysis a ON a.source = t.source AND a.source_id = t.source_id
        WHERE a.source_id IS NULL OR a.text_md5 <> md5(t.body) OR a.model_version <> ?
        ORDER BY t.source, t.source_id""",
        [*params, version],
    )
    report = progress or (lambda stage, done, total: None)
    report("analyse", 0, len(pending))
    for first in range(0, len(pending), BATCH):
        _write(store, pending[first:first + BATCH], version)
        report("analyse", min(first + BATCH, len(pending)), len(pending))
    return len(pending)


def _write(store: Store, rows: list[tuple], version: str) -> None:
    analyses = analyse_texts([row[3] for row in rows],
                             [row[4] if row[4] in ("ar", "en") else None for row in rows])
    now = utc_now()
    analysis = pa.table({
        "source": [r[0] for r in rows], "source_id": [r[1] for r in rows], "account_id": [r[2] for r in rows],
        "language": [a.language for a in analyses], "sentiment": [a.sentiment for a in analyses],
        "sentiment_score": [a.score for a in analyses],
        "themes": [json.dumps(list(a.themes)) for a in analyses], "text_md5": [r[5] for r in rows],
        "model_version": [version] * len(rows), "analysed_at": [now] * len(rows),
    })
    themes = pa.table({
        "source": [r[0] for r, a in zip(rows, analyses) for _ in a.themes],
        "source_id": [r[1] for r, a in zip(rows, analyses) for _ in a.themes],
        "theme": [theme for a in analyses for theme in a.themes],
    }, schema=pa.schema([("source", pa.string()), ("source_id", pa.string()), ("theme", pa.string())]))
    with store.transaction():
        _stage(store, "feedback_analysis_stage", analysis)
        _stage(store, "feedback_themes_stage", themes)
        for table in ("feedback_analysis", "feedback_themes"):
            store.execute(
                f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM feedback_analysis_stage s "
                f"WHERE s.source = {table}.source AND s.source_id = {table}.source_id)"
            )
        columns = ", ".join(_ANALYSIS_COLUMNS)
        store.execute(
            f"INSERT INTO feedback_analysis ({columns}) SELECT "
            + ", ".join("CAST(themes AS JSON)" if c == "themes" else c for c in _ANALYSIS_COLUMNS)
            + " FROM feedback_analysis_stage"
        )
        store.execute("INSERT INTO feedback_themes (source, source_id, theme) "
                      "SELECT source, source_id, theme FROM feedback_themes_stage")
    _unstage(store, "feedback_analysis_stage", "feedback_themes_stage")


def _stage(store: Store, name: str, table: pa.Table) -> None:
    """``table`` readable by SQL as ``name``: a registered view on DuckDB, a temp table filled by COPY on PostgreSQL."""
    if store.kind == "duckdb":
        store.raw.register(name, table)
        return
    types = {pa.string(): "TEXT", pa.float64(): "DOUBLE PRECISION", pa.timestamp("us"): "TIMESTAMP"}
    columns = ", ".join(f"{field.name} {types[field.type]}" for field in table.schema)
    store.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
    store.execute(f"TRUNCATE {name}")
    with duckdb_reader(store) as reader:
        reader.register(name, table)
        copy_from_duckdb(store, reader, f"SELECT * FROM {name}", name)


def _unstage(store: Store, *names: str) -> None:
    for name in names:
        if store.kind == "duckdb":
            store.raw.unregister(name)
