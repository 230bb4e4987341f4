"""Read a YAML configuration file into a pydantic model; every error names the file, line and field."""

from __future__ import annotations

from pathlib import Path
from collections.abc import Sequence
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from nabd.errors import NabdError

Model = TypeVar("Model", bound=BaseModel)
Items = TypeVar("Items", bound=Sequence[Any])


def unique_ids(items: Items, what: str) -> Items:
    """``items`` when no two share an ``id``, else ValueError "<what> id 'x' is used twice" (a list validator)."""
    ids = [item.id for item in items]
    for item_id in ids:
        if ids.count(item_id) > 1:
            raise ValueError(f"{what} id {item_id!r} is used twice")
    return items


def load_model(path: str | Path, model: type[Model], *, what: str = "", tags: frozenset[str] = frozenset()) -> Model:
    """Read ``path`` and validate it as ``model`` (``what`` names the file in a read error)."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise NabdError(f"cannot read {what or ''}{' ' if what else ''}{source}: {error.strerror or error}") from None
    return parse_model(text, model, str(source), top_level=what, tags=tags)


def parse_model(
    text: str, model: type[Model], filename: str, *, top_level: str = "", tags: frozenset[str] = frozenset()
) -> Model:
    """Validate YAML ``text`` as ``model``; one ``file:line: field: message`` per problem, joined by '; '.

    ``top_level`` describes the expected mapping for a document that is not one; ``tags`` are the
    discriminator values pydantic puts into the paths of tagged unions, left out of field names.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark else filename
        raise NabdError(f"{where}: not valid YAML: {getattr(error, 'problem', None) or error}") from None
    if not isinstance(document, dict):
        raise NabdError(f"{filename}:1: {top_level or 'expected a YAML mapping at the top level'}")
    lines = _key_lines(root)
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise NabdError("; ".join(_describe(problem, lines, filename, tags) for problem in error.errors())) from None


def _key_lines(node: yaml.Node | None, path: tuple = ()) -> dict[tuple, int]:
    """Line (1-based) of every mapping key and sequence item, by its path in the document."""
    lines: dict[tuple, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            lines[child] = key.start_mark.line + 1
            lines.update(_key_lines(value, child))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            lines.update(_key_lines(item, child))
    return lines


def _describe(problem: dict, lines: dict[tuple, int], filename: str, tags: frozenset[str]) -> str:
    """``file:line: field: message`` at the deepest located part of the error's path."""
    located: tuple = ()
    field: list[str] = []
    for part in problem["loc"]:
        if (*located, part) in lines:
            located = (*located, part)
            field.append(str(part))
        elif isinstance(part, str) and (part in tags or not part[:1].islower()):
            continue  # a union's discriminator tag or member class name that pydantic adds to the path
        else:
            field.append(str(part))
    message = problem["msg"].removeprefix("Value error, ")
    return f"{filename}:{lines.get(located, 1)}: {'.'.join(field) or '(top level)'}: {message}"
