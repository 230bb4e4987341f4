"""Journey YAML is refused with file:line and the field for an unknown condition, template variable, entry
or branch target; the shipped journeys load and cover the seeds' strategies."""

from __future__ import annotations

import pytest

from nabd.errors import NabdError
from nabd.outreach.journey import load_journeys, parse_journeys
from tests.outreach.conftest import SAVE_JOURNEY


def refused(text: str) -> str:
    with pytest.raises(NabdError) as error:
        parse_journeys(text, "journeys.yaml")
    return str(error.value)


def test_an_unknown_branch_condition_is_refused_with_its_line():
    text = SAVE_JOURNEY.replace("if: answered", "if: bought_a_boat")
    assert refused(text).startswith("journeys.yaml:15: journeys.0.steps.2.branch.if: Input should be 'answered'")


def test_an_unknown_exit_condition_is_refused_with_its_line():
    assert refused(SAVE_JOURNEY.replace("exit: [churned]", "exit: [moved_house]")).startswith(
        "journeys.yaml:5: journeys.0.exit.0: Input should be 'answered'")


def test_an_unknown_template_variable_is_refused_with_its_line():
    message = refused(SAVE_JOURNEY.replace("Hello {{ contact_name }}", "Hello {{ first_name }}"))
    assert message.startswith("journeys.yaml:12: journeys.0.steps.0.email.body.en: unknown template variable "
                              "'first_name': use one of account_id, account_name")


def test_a_template_syntax_error_is_refused_with_its_line():
    message = refused(SAVE_JOURNEY.replace('ar: "عرض خاص لـ {{ account_name }}"', 'ar: "عرض {{ account_name "'))
    assert message.startswith("journeys.yaml:10: journeys.0.steps.0.email.subject.ar: template error:")


def test_an_unknown_entry_and_an_unknown_indicator_are_refused():
    assert refused(SAVE_JOURNEY.replace("entry: {band_entered: red}", "entry: {moon_phase: full}")).startswith(
        "journeys.yaml:4: journeys.0.entry.moon_phase: Extra inputs are not permitted")
    assert "unknown indicator 'gut_feeling'" in refused(
        SAVE_JOURNEY.replace("entry: {band_entered: red}", "entry: {indicator: gut_feeling}"))


def test_a_branch_to_an_unknown_or_earlier_step_is_refused():
    assert "branch target 'nowhere' is no step id" in refused(SAVE_JOURNEY.replace("else: call", "else: nowhere"))


def test_a_survey_step_must_name_a_survey_of_the_book():
    text = SAVE_JOURNEY.replace("      - wait: {days: 7}\n", "      - survey: {survey_id: no-such-survey}\n")
    assert "journeys.0.steps.1.survey.survey_id: there is no survey 'no-such-survey'" in refused(text)


def test_the_shipped_journeys_are_the_seeds_strategies():
    journeys = {j.id: j for j in load_journeys().journeys}
    assert list(journeys) == ["welcome", "red_band_save", "yellow_band_survey", "green_band_upsell",
                              "pre_renewal_check_in", "exit_survey", "promoter_referral", "detractor_follow_up"]
    assert journeys["red_band_save"].entry.band_entered == "red"
    assert "خصماً أو ترقية مجانية" in journeys["red_band_save"].steps[0].email.body.ar
    assert journeys["exit_survey"].entry.lifecycle == "churned"
    assert journeys["exit_survey"].steps[0].survey.survey_id == "exit-reasons"


def test_every_shipped_journey_has_an_arabic_and_english_description_in_the_seeds_terms():
    journeys = {j.id: j for j in load_journeys().journeys}
    assert all(j.description and j.description.ar and j.description.en for j in journeys.values())
    assert "عرض الخصم أو ترقية مجانية" in journeys["red_band_save"].description.ar
    assert "أرسل الاستبيان لمعرفة المزيد" in journeys["yellow_band_survey"].description.ar
    assert "تواصل مع فريق المبيعات للارتقاء بالمبيعات" in journeys["green_band_upsell"].description.ar
    assert journeys["exit_survey"].steps[1].label.ar == "مهمة: اتصل لمعرفة سبب المغادرة"


def test_a_description_given_as_plain_text_is_refused_with_its_line():
    text = SAVE_JOURNEY.replace("    entry:", "    description: Save them\n    entry:")
    assert refused(text).startswith("journeys.yaml:4: journeys.0.description: Input should be a valid dictionary")
