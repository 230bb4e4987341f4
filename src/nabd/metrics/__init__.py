"""Leadership's numbers: churn, revenue retention, MRR movements, cohorts, NPS/CSAT/CES, support, value, usage.

Each metric is a function ``(store, *, period, start, end, by, ...) -> ibis.Table`` in the module of its
family; :data:`METRICS` lists them by name and :func:`compute` runs one by name.
"""

from nabd.metrics.registry import METRICS, MetricSpec, compute

__all__ = ["METRICS", "MetricSpec", "compute"]
