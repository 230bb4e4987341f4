"""The score expression's percentile ranks, evaluated over narrow rows (one window over all percentile measures)."""

from tests.health.health_history import custom, customer, scorecard, scores_by_account


def test_percentiles_rank_ties_skip_nulls_score_a_lone_account_50_and_fold_segment_case(store):
    # SMB and smb are one peer group. m (higher is better) there: A 10, B 20, C 20, E 40 (D none): percent_rank
    # (rank - 1) / (n - 1) = 0, 1/3, 1/3, 1 -> 0, 33.3, 33.3, 100. n (lower is better): A 1, C 3, D 3, E 5
    # (B none) -> 100 - 100 x (0, 1/3, 1/3, 1). X alone in Enterprise and Z alone without a segment: 50.
    # The smb weight override changes weights only, not ranks.
    segments = {"A": "SMB", "B": "smb", "C": "SMB", "D": "smb", "E": "SMB", "X": "Enterprise", "Z": None}
    for account, segment in segments.items():
        customer(store, account, segment=segment)
    m = {"A": 10, "B": 20, "C": 20, "D": None, "E": 40, "X": 7, "Z": 1}
    n = {"A": 1, "B": None, "C": 3, "D": 3, "E": 5, "X": None, "Z": 2}
    card = scorecard(
        custom("m", m, "{kind: percentile}") + custom("n", n, "{kind: percentile, higher_is_better: false}"),
        "segments:\n  smb:\n    weights: {m: 3}",
    )
    rows = scores_by_account(store, card)
    third = 1 / 3
    assert {a: (r["s__m"], r["s__n"]) for a, r in rows.items()} == {
        "A": (0.0, 100.0),
        "B": (100 * third, None),
        "C": (100 * third, 100 - 100 * third),
        "D": (None, 100 - 100 * third),
        "E": (100.0, 0.0),
        "X": (50.0, None),
        "Z": (50.0, 50.0),
    }
    assert (rows["A"]["w__m"], rows["X"]["w__m"]) == (75, 50)
