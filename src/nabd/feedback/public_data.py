"""The public labelled comments of ``shared/datasets/sentiment`` (tier A and B, see its SOURCES.md)
and the evaluation split fixed on them before any model was trained.

The split: per stratum (source, label, dialect), the ceil(30%) rows whose sha256("nabd-eval:" + id)
sorts first. Only the ids are kept in the package (evaluation/public_eval_ids.txt); the text stays in
the dataset folder. Rebuild (same ids every time): ``python -m nabd.feedback.public_data DATASET_DIR``.
"""

from __future__ import annotations

import csv
import hashlib
import math
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

EVALUATION_SHARE = 0.3
EVALUATION_IDS = "public_eval_ids.txt"
# Sources whose licence allows commercial training (SOURCES.md, tier A); the shipped model is
# trained only on these rows (outside the evaluation split) and on text the project wrote.
TIER_A = ("arsarcasm_v2", "astd", "ajgt", "uci_sentences_amazon", "uci_sentences_yelp")


@dataclass(frozen=True)
class PublicComment:
    id: str
    text: str
    sentiment: str
    source: str
    dialect: str
    language: str


def read_public(folder: Path, language: str) -> list[PublicComment]:
    """The rows of ``folder/<language>.csv`` in file order."""
    with open(folder / f"{language}.csv", encoding="utf-8", newline="") as handle:
        return [PublicComment(r["id"], r["text"], r["label"], r["source"], r["dialect"], language)
                for r in csv.DictReader(handle)]


def _rank(comment_id: str) -> str:
    return hashlib.sha256(f"nabd-eval:{comment_id}".encode()).hexdigest()


def evaluation_ids_of(comments: list[PublicComment], share: float = EVALUATION_SHARE) -> list[str]:
    """ceil(share · n) ids of every (source, label, dialect) stratum, the lowest hash ranks first."""
    strata: dict[tuple[str, str, str], list[str]] = {}
    for c in comments:
        strata.setdefault((c.source, c.sentiment, c.dialect), []).append(c.id)
    chosen = [i for ids in strata.values() for i in sorted(ids, key=_rank)[:math.ceil(share * len(ids))]]
    return sorted(chosen)


def evaluation_ids() -> frozenset[str]:
    """The committed public evaluation ids (both languages); never train or tune on these rows."""
    text = (files("nabd.feedback") / "evaluation" / EVALUATION_IDS).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def public_split(folder: Path, language: str, split: str) -> list[PublicComment]:
    """The public rows of ``language`` in ``split``: "evaluation" (the committed ids) or "train"
    (the tier-A rows outside it: the only public rows the shipped model may learn from)."""
    held = evaluation_ids()
    rows = read_public(folder, language)
    if split == "evaluation":
        return [c for c in rows if c.id in held]
    return [c for c in rows if c.id not in held and c.source in TIER_A]


def main(folder: str) -> None:
    lines = ["# Public evaluation split (ids only): per (source, label, dialect), ceil(30%) by sha256 rank.",
             "# Built by `python -m nabd.feedback.public_data DATASET_DIR`; never train or tune on these rows."]
    for language in ("ar", "en"):
        lines += evaluation_ids_of(read_public(Path(folder), language))
    target = Path(__file__).parent / "evaluation" / EVALUATION_IDS
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 2} ids -> {target}")


if __name__ == "__main__":
    main(sys.argv[1])
