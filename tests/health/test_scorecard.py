"""Scorecard YAML: what a valid scorecard is, and errors that name the file, the line and the field."""

import re

import pytest
from tests.health.health_history import BANDS, measure, scorecard

from nabd.errors import NabdError
from nabd.health.scorecard import MEASURE_TYPES, load_scorecard, parse_scorecard

ONE_MEASURE = measure("tickets", "ticket_frequency", "{kind: boolean}")


def test_the_default_scorecard_ships_with_the_seed_bands_in_english_and_arabic():
    card = load_scorecard()
    bands = [(b.range, b.name.en, b.name.ar, b.colour) for b in card.bands]
    assert bands == [
        ((0, 50), "unhealthy", "غير صحي", "red"),
        ((51, 79), "neutral", "حيادي", "yellow"),
        ((80, 100), "healthy", "صحي", "green"),
    ]
    assert card.bands[1].action.ar == "أرسل الاستبيان لمعرفة المزيد"
    assert card.bands[2].action.ar == "تواصل مع فريق المبيعات للارتقاء بالمبيعات"


def test_the_version_is_12_hex_digits_of_the_content_and_changes_with_it():
    card = scorecard(measure("tickets", "ticket_frequency", "{kind: boolean}", weight=1))
    same = scorecard(measure("tickets", "ticket_frequency", "{kind: boolean}", weight=1))
    heavier = scorecard(measure("tickets", "ticket_frequency", "{kind: boolean}", weight=2))
    assert re.fullmatch(r"[0-9a-f]{12}", card.version)
    assert card.version == same.version
    assert card.version != heavier.version


def test_weights_are_normalised_to_100():
    # 1 : 3 -> 25 : 75
    card = scorecard(
        measure("a", "ticket_frequency", "{kind: boolean}", weight=1)
        + measure("b", "referrals", "{kind: boolean}", weight=3)
    )
    assert card.weights() == {"a": 25.0, "b": 75.0}


def test_a_segment_override_replaces_the_weights_it_names_and_matches_the_segment_case_insensitively():
    # enterprise: a 1 -> 6, b keeps 3 -> 6 : 3 -> 66.67 : 33.33
    card = scorecard(
        measure("a", "ticket_frequency", "{kind: boolean}", weight=1)
        + measure("b", "referrals", "{kind: boolean}", weight=3),
        "segments:\n  enterprise:\n    weights: {a: 6}",
    )
    assert card.weights("Enterprise") == pytest.approx({"a": 200 / 3, "b": 100 / 3})
    assert card.weights("SMB") == {"a": 25.0, "b": 75.0}


def test_every_measure_type_is_in_the_library():
    from nabd.health.measures import ACTIVITY_MEASURES, TABLE_MEASURES

    assert set(MEASURE_TYPES) == set(ACTIVITY_MEASURES) | set(TABLE_MEASURES)


def _error(text: str) -> str:
    with pytest.raises(NabdError) as caught:
        parse_scorecard(text, "cards/mine.yaml")
    return str(caught.value)


def test_a_negative_weight_names_file_line_and_field():
    text = f"name: t\nmeasures:\n{ONE_MEASURE.replace('weight: 1', 'weight: -2')}{BANDS}"
    assert _error(text).startswith("cards/mine.yaml:3: measures.0.weight: Input should be greater than 0")


def test_an_unknown_measure_type_names_its_line():
    text = f"name: t\nmeasures:\n  - id: x\n    type: vibes\n    name: {{en: x, ar: س}}\n    weight: 1\n    rule: {{kind: boolean}}\n{BANDS}"
    message = _error(text)
    assert message.startswith("cards/mine.yaml:4: measures.0.type: Input should be")


def test_a_rule_error_names_the_nested_field():
    text = (
        "name: t\nmeasures:\n  - id: x\n    type: referrals\n    name: {en: x, ar: س}\n    weight: 1\n"
        f"    rule:\n      kind: piecewise\n      points: [[10, 0], [5, 100]]\n{BANDS}"
    )
    assert _error(text) == "cards/mine.yaml:9: measures.0.rule.points: point values must be strictly ascending"


def test_bands_with_a_gap_are_refused():
    text = f"name: t\nmeasures:\n{ONE_MEASURE}{BANDS.replace('[51, 79]', '[52, 79]')}"
    assert _error(text) == "cards/mine.yaml:5: bands: band 'neutral' starts at 52: gap, expected 51"


def test_bands_that_overlap_are_refused():
    text = f"name: t\nmeasures:\n{ONE_MEASURE}{BANDS.replace('[51, 79]', '[50, 79]')}"
    assert "bands: band 'neutral' starts at 50: overlap, expected 51" in _error(text)


def test_bands_must_reach_100():
    text = f"name: t\nmeasures:\n{ONE_MEASURE}{BANDS.replace('[80, 100]', '[80, 99]')}"
    assert "bands: bands end at 99: they must cover 0-100 exactly" in _error(text)


def test_a_segment_weighting_an_unknown_measure_is_refused():
    text = f"name: t\nmeasures:\n{ONE_MEASURE}segments:\n  smb:\n    weights: {{nps: 2}}\n{BANDS}"
    assert _error(text) == "cards/mine.yaml:4: segments: segment 'smb' weights unknown measure nps"


def test_a_custom_measure_without_sql_is_refused():
    text = f"name: t\nmeasures:\n{measure('x', 'custom', '{kind: boolean}')}{BANDS}"
    assert "cards/mine.yaml:3: measures.0.params: a custom measure needs params.sql" in _error(text)


def test_broken_yaml_names_its_line():
    assert _error("name: t\nmeasures: [\n  - a: b\n").startswith("cards/mine.yaml:3: not valid YAML")


def test_a_missing_file_is_one_clear_error(tmp_path):
    with pytest.raises(NabdError, match="cannot read the scorecard .*nope.yaml"):
        load_scorecard(tmp_path / "nope.yaml")


def _with_third_colour(colour: str) -> str:
    """A one-measure scorecard whose third band (healthy) has ``colour``."""
    return f"name: t\nmeasures:\n{ONE_MEASURE}" + BANDS.replace("colour: green", f'colour: "{colour}"')


def test_a_band_colour_that_is_not_a_css_colour_is_refused():
    assert _error(_with_third_colour("green; background: url(x)")) == (
        "cards/mine.yaml:10: bands.2.colour: 'green; background: url(x)' is not a colour: "
        "give a CSS colour name (teal) or #rgb / #rrggbb"
    )


def test_a_band_colour_may_be_any_css_name_or_hex():
    for colour in ("teal", "#6a1b9a", "#f80"):
        assert parse_scorecard(_with_third_colour(colour)).bands[2].colour == colour
