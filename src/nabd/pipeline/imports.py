"""An import as ``nabd import`` and the daily run make it: load the file, then analyse its comments.

ingest only loads; the survey responses and tickets of the file whose comment is new or changed
are then analysed here (language, sentiment, themes), on the rows the file wrote.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from nabd.feedback.analysis import analyse_imported
from nabd.ingest.files import ImportSummary, Progress, import_file, importable_table
from nabd.store import Store


@dataclass(frozen=True)
class AnalysedImport(ImportSummary):
    """An import and how many of its comments were analysed."""

    comments_analysed: int = 0


def import_and_analyse(
    store: Store, table: str, path: str | Path, *, progress: Progress | None = None,
) -> AnalysedImport:
    """Import one file into ``table``, then analyse the comments of its rows that are new or changed."""
    target = importable_table(table).name
    analysed = 0

    def analyse(reader: duckdb.DuckDBPyConnection, rows: str) -> None:
        nonlocal analysed
        analysed = analyse_imported(store, target, reader, rows, progress=progress)

    summary = import_file(store, target, path, progress=progress, written=analyse)
    return AnalysedImport(**asdict(summary), comments_analysed=analysed)
