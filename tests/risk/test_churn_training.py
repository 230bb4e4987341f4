"""nabd.risk.churn_training: which validation rows the importances average over."""

from __future__ import annotations

import numpy as np

from nabd.risk.churn_training import importance_rows


def test_importances_average_over_every_validation_row_when_there_are_few():
    assert importance_rows(5, most=10).tolist() == [0, 1, 2, 3, 4]


def test_beyond_the_limit_importances_average_over_a_seeded_sample_of_distinct_rows():
    sample = importance_rows(1_000, most=100)
    assert len(sample) == len(set(sample.tolist())) == 100
    assert sample.min() >= 0 and sample.max() < 1_000 and np.all(np.diff(sample) > 0)
    assert importance_rows(1_000, most=100).tolist() == sample.tolist()  # a refit reports the same figures
