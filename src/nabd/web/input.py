"""Input every route refuses before it runs: a NUL character in the path, the query or a JSON or form body.

Neither PostgreSQL text nor most tools downstream take NUL, so a request carrying one is answered
400 naming where it was, never passed on to fail later as a server error.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, unquote

from fastapi import Request


async def nul_character_in(request: Request) -> str | None:
    """Where ``request`` carries a NUL character ("path", "query", "body"), or None."""
    if "\x00" in request.scope.get("path", ""):
        return "path"
    if "\x00" in unquote(request.scope.get("query_string", b"").decode("latin-1")):
        return "query"
    if request.method in {"GET", "HEAD", "OPTIONS", "DELETE"}:
        return None
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        body = await request.body()
        if b"\\u0000" in body or b"\x00" in body:
            try:
                return "body" if _holds_nul(json.loads(body)) else None
            except ValueError:
                return "body" if b"\x00" in body else None
    elif kind == "application/x-www-form-urlencoded":
        body = (await request.body()).decode("latin-1")
        if any("\x00" in name or "\x00" in value for name, value in parse_qsl(body, keep_blank_values=True)):
            return "body"
    return None


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False
