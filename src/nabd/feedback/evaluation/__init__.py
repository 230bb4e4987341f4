"""The labelled evaluation comments (``ar.jsonl``, ``en.jsonl``) with their fixed train/test split."""
