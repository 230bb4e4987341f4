"""Open the store from a database URL: an embedded DuckDB file by default, PostgreSQL in production.

URLs: ``duckdb:///path/to/file.duckdb`` (or a bare ``*.duckdb`` path), ``duckdb:///:memory:``,
``postgresql://user@host:5432/db?schema=nabd``. One :class:`Store` wraps one Ibis backend
connection; raw SQL (DDL, bulk loads) and Ibis expressions share it, so temporary tables and
transactions are visible to both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlparse

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend
from ibis.backends.duckdb.converter import DuckDBPyArrowData
from ibis.formats.pyarrow import PyArrowData

from nabd.errors import NabdError
from nabd.store.files import keep_private, make_private, private_folder

BackendKind = Literal["duckdb", "postgres", "spark"]  # spark: a Parquet folder (nabd.store.spark)
_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed database URL: which backend, and where."""

    kind: BackendKind
    path: str = ""  # duckdb file path or ":memory:"
    host: str | None = None
    port: int = 5432
    user: str | None = None
    password: str | None = None
    database: str | None = None
    schema: str | None = None

    @property
    def display(self) -> str:
        """The URL without its password, safe to print."""
        if self.kind == "duckdb":
            return f"duckdb:///{self.path}"
        if self.kind == "spark":
            return f"Parquet folder {self.path} on Spark"
        auth = f"{self.user}@" if self.user else ""
        schema = f"?schema={self.schema}" if self.schema else ""
        return f"postgresql://{auth}{self.host or 'localhost'}:{self.port}/{self.database}{schema}"


def parse_url(url: str) -> DatabaseURL:
    """Parse ``url`` into a :class:`DatabaseURL`, or say precisely what is wrong with it."""
    if url.endswith(".duckdb") and "://" not in url:
        return DatabaseURL(kind="duckdb", path=url)
    parsed = urlparse(url)
    if parsed.scheme == "duckdb":
        path = unquote(url[len("duckdb://") :])
        path = path[1:] if path.startswith("/") else path
        if not path:
            raise NabdError(f"database URL {url!r} names no file: use duckdb:///nabd.duckdb")
        return DatabaseURL(kind="duckdb", path=path)
    if parsed.scheme in {"postgresql", "postgres", "postgresql+psycopg"}:
        query = parse_qs(parsed.query)
        schema = query.get("schema", [None])[0]
        if schema is not None and not _SCHEMA_NAME.match(schema):
            raise NabdError(f"database URL schema {schema!r} is not a plain SQL name")
        return DatabaseURL(
            kind="postgres",
            host=parsed.hostname,
            port=parsed.port or 5432,
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            database=(parsed.path or "/").lstrip("/") or None,
            schema=schema,
        )
    raise NabdError(
        f"database URL {url!r} is not understood: use duckdb:///FILE.duckdb or postgresql://USER@HOST/DB"
    )


@dataclass
class Store:
    """One open connection to Nabd's database, for Ibis queries and raw SQL alike."""

    url: DatabaseURL
    ibis: BaseBackend

    @property
    def kind(self) -> BackendKind:
        return self.url.kind

    @property
    def raw(self) -> Any:
        """The driver connection under Ibis (a duckdb or psycopg connection)."""
        return self.ibis.con

    def _sql(self, sql: str, params: Sequence[Any] | None) -> str:
        if self.kind == "postgres" and params:
            return sql.replace("%", "%%").replace("?", "%s")
        return sql

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> None:
        """Run one statement (or a script, without params); ``?`` marks a parameter."""
        if self.kind == "duckdb":
            self.raw.execute(sql, params) if params else self.raw.execute(sql)
        else:
            with self.raw.cursor() as cursor:
                cursor.execute(self._sql(sql, params), params or None)

    def fetchall(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """Rows of a query as tuples; ``?`` marks a parameter."""
        if self.kind == "duckdb":
            return self.raw.execute(sql, params).fetchall() if params else self.raw.sql(sql).fetchall()
        with self.raw.cursor() as cursor:
            cursor.execute(self._sql(sql, params), params or None)
            return cursor.fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """The first column of the first row of a query, or None."""
        rows = self.fetchall(sql, params)
        return rows[0][0] if rows else None

    def records(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a query as dicts named by its columns; ``?`` marks a parameter."""
        if self.kind == "duckdb":
            cursor = self.raw.execute(sql, params) if params else self.raw.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
        with self.raw.cursor() as cursor:
            cursor.execute(self._sql(sql, params), params or None)
            names = [column.name for column in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    def arrow(self, sql: str, schema: ibis.Schema) -> pa.Table:
        """Rows of a query as a pyarrow Table of ``schema``'s types, as Ibis's ``to_pyarrow()`` types an expression
        of that schema (the query's SQL kept from one: nabd.store.compiled)."""
        if self.kind == "duckdb":
            return DuckDBPyArrowData.convert_table(self.raw.sql(sql).to_arrow_table(), schema)
        with self.raw.cursor() as cursor:
            rows = cursor.execute(sql).fetchall()
        batch = pa.RecordBatch.from_struct_array(pa.array(rows, type=schema.as_struct().to_pyarrow()))
        return PyArrowData.convert_table(pa.Table.from_batches([batch], schema=schema.to_pyarrow()), schema)

    def table(self, name: str) -> ibis.Table:
        """An Ibis table of the store."""
        return self.ibis.table(name)

    def tables(self) -> list[str]:
        """Names of the tables in the store (in the configured schema on PostgreSQL)."""
        return sorted(self.ibis.list_tables())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All statements inside commit together or not at all."""
        self.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def close(self) -> None:
        self.ibis.disconnect()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def connect(url: str | DatabaseURL) -> Store:
    """Open the store named by ``url`` (without creating or migrating its schema)."""
    parsed = parse_url(url) if isinstance(url, str) else url
    if parsed.kind == "duckdb":
        return Store(parsed, _connect_duckdb(parsed))
    return Store(parsed, _connect_postgres(parsed))


def reading_connection(store: Store) -> Store:
    """A second connection to ``store``'s database, for a long read that must not hold the first one (a
    cursor of the same database on DuckDB, which shares its data and not its transaction; a new
    connection on PostgreSQL). The caller closes it."""
    if store.kind == "duckdb":
        raw = store.raw.cursor()
        raw.execute("SET enable_progress_bar = false")
        return Store(store.url, ibis.duckdb.from_connection(raw))
    return connect(store.url)


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def database_files(url: DatabaseURL) -> list[Path]:
    """The DuckDB file of ``url`` and its write-ahead log (whether or not they exist); none for others."""
    if url.kind != "duckdb" or url.path == ":memory:":
        return []
    database = Path(url.path).expanduser()
    return [database, database.with_name(database.name + ".wal")]


def check_duckdb_file(path: Path) -> None:
    """Refuse a file that is not a DuckDB database (a CSV named by mistake must not be opened or changed)."""
    try:
        with path.open("rb") as file:
            header = file.read(12)
    except IsADirectoryError:
        raise NabdError(f"{path} is a folder, not a DuckDB database file") from None
    except OSError as error:
        raise NabdError(f"cannot read the database {path}: {error.strerror or error}") from None
    if header[8:12] != DUCKDB_MAGIC:
        raise NabdError(
            f"{path} is not a DuckDB database (is it a data file? import it with `nabd import`, "
            "and name the database with --database duckdb:///FILE.duckdb)"
        )


def _connect_duckdb(url: DatabaseURL) -> BaseBackend:
    files = database_files(url)
    if files:
        if files[0].exists():
            check_duckdb_file(files[0])
        else:
            folder = files[0].parent
            if not folder.exists():
                private_folder(folder)
        keep_private()  # the file, and the WAL DuckDB makes later: 0600 (nabd.store.files)
        for each in files:
            make_private(each)  # made by an earlier Nabd, or by hand
    try:
        # No extension may be downloaded: parquet, json and icu are built into the wheel.
        backend = ibis.duckdb.connect(url.path, autoinstall_known_extensions=False)
        backend.con.execute("SET enable_progress_bar = false")  # no bars in CLI output or logs
        return backend
    except Exception as error:  # duckdb raises IOException for a held lock
        if "lock" in str(error).lower():
            raise NabdError(
                f"the database {url.path} is in use by another Nabd process (is `nabd serve` "
                "running?); stop it or point --database at another file"
            ) from None
        raise NabdError(f"cannot open the database {url.path}: {error}") from None


def _connect_postgres(url: DatabaseURL) -> BaseBackend:
    # JIT off: Nabd's queries are generated analytics with wide expressions, and PostgreSQL's JIT spent
    # ~1.4 s compiling each scoring query, longer than running it (2,313 accounts: 2.2 s -> 0.85 s).
    settings = ["-c jit=off"] + ([f"-c search_path={url.schema}"] if url.schema else [])
    options = {"options": " ".join(settings)}
    try:
        backend = ibis.postgres.connect(
            host=url.host, port=url.port, user=url.user, password=url.password,
            database=url.database, **options,
        )
    except Exception as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NabdError(f"cannot connect to PostgreSQL at {url.display}: {first_line}") from None
    if url.schema:
        with backend.con.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{url.schema}"')
    return backend
