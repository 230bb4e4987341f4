"""Ledger, the second demo company: a project and invoicing tool for freelancers, studios and agencies.

Built by its own code, sharing no generator module and no assumption with the standard demo: its
own event names (``task_completed``, ``invoice_sent``, ``sync_failed``...: none of Nabd's
``login``/``session``/``feature:``/``page:``), a contact id only on comments, weekly, monthly and
annual plans priced per seat with seat changes, its own causes of churn (workspaces.py) and a third
of churners leaving with no sign. Generated in DuckDB from ranges and seeded hashes (no Python loop
over rows), deterministic by seed, written as CSV in Nabd's import format and loaded through
``import_file``.
"""

from nabd.demo.companies.ledger.activity import EVENT_TYPES
from nabd.demo.companies.ledger.files import LedgerFile, generate_ledger_files
from nabd.demo.companies.ledger.load import build_ledger

__all__ = ["EVENT_TYPES", "LedgerFile", "build_ledger", "generate_ledger_files"]
