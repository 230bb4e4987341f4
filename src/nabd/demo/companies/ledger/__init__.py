"""Ledger, the second demo company: a project and invoicing tool for freelancers, studios and agencies.

Built by its own code, sharing no generator module and no assumption with the standard demo: its
own event names (``task_completed``, ``invoice_sent``, ``sync_failed``...: none of Nabd's
``login``/``session``/``feature:``/``page:``), a contact id only on comments, weekly, monthly and
annual plans priced per seat with seat changes, its own causes of churn (workspaces.py) and a third
of churners leaving with no sign. Generated in DuckDB from ranges and seeded hashes (no Python loop
over rows), deterministic by seed, written as CSV in Nabd's import format and loaded through
``import_file``.

Measured at seed 7, 500 workspaces, 18 months to 2026-10-31: 226k events (~450 per workspace: ~140 for a
freelancer, ~490 for a studio, ~1,160 for an agency), 14% of them with a contact id; 95 churners
(monthly logo churn 0.5-3.5%), 35 of them (37%) unexplained; 10k workspaces generate in ~35 s
(4.3M events), so 100k is about 6 minutes and 43M events.
"""

from nabd.demo.companies.ledger.activity import EVENT_TYPES
from nabd.demo.companies.ledger.files import LedgerFile, generate_ledger_files
from nabd.demo.companies.ledger.load import build_ledger

__all__ = ["EVENT_TYPES", "LedgerFile", "build_ledger", "generate_ledger_files"]
