"""Change explained: which segments moved a metric between two periods."""

from datetime import date

import pytest

from nabd.errors import NabdError
from nabd.metrics.change import change_explained
from nabd.metrics.registry import METRICS
from tests.metrics.metrics_history import FEB, JAN, acct, given, rows, sub


def test_segment_contributions_add_up_to_the_change_of_the_churn_rate(store):
    # Jan: SMB A,B (none lost), ENT C,D (none lost) -> 0/4. Feb: SMB A lost (1/2), ENT none (0/2) -> 1/4.
    # Contributions = N_feb_s / 4 - N_jan_s / 4: SMB 0.25, ENT 0; total change 0.25.
    given(
        store,
        accounts=[acct("A"), acct("B"), acct("C", segment="ENT"), acct("D", segment="ENT")],
        subscriptions=[sub("S1", "A", 100, JAN, date(2024, 2, 15))] + [sub(f"S{x}", x, 100, JAN) for x in "BCD"],
    )
    result = rows(change_explained(store, metrics=METRICS, metric="customer_churn", start=JAN, end=FEB, by="segment"))
    assert [r["segment"] for r in result] == ["SMB", "ENT"]
    smb, ent = result
    assert (smb["value_before"], smb["value_after"], smb["contribution"]) == (0.0, 0.5, 0.25)
    assert ent["contribution"] == 0.0
    assert smb["total_change"] == pytest.approx(0.25, abs=1e-12)
    assert sum(r["contribution"] for r in result) == pytest.approx(smb["total_change"], abs=1e-12)


def test_an_additive_metric_contributes_its_own_difference(store):
    # Closing MRR: Jan SMB 100 -> Feb SMB 100 + ENT 300 (from Feb 10): contributions SMB 0, ENT 300.
    given(
        store,
        accounts=[acct("A"), acct("B", segment="ENT")],
        subscriptions=[sub("S1", "A", 100, JAN), sub("S2", "B", 300, date(2024, 2, 10))],
    )
    result = rows(change_explained(store, metrics=METRICS, metric="mrr_movements", start=JAN, end=FEB, by="segment"), "segment", "contribution")
    assert result == [{"segment": "ENT", "contribution": 300.0}, {"segment": "SMB", "contribution": 0.0}]


def test_a_metric_without_an_exact_split_is_refused(store):
    with pytest.raises(NabdError, match="cannot explain the change of 'cohort_retention'"):
        change_explained(store, metrics=METRICS, metric="cohort_retention", start=JAN, end=FEB)
