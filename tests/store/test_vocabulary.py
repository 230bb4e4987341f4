"""The event vocabulary: one spelling of every event type Nabd names, and of each event API call."""

import pytest

from nabd.store.vocabulary import event_type_of_call, feature, page


def test_a_page_name_is_lower_case_with_hyphens_for_spaces():
    assert page("  Cancel   Subscription ") == "page:cancel-subscription"


def test_a_feature_keeps_its_name_as_given():
    assert feature("Reports") == "feature:Reports"


def test_a_track_call_keeps_its_event_name():
    assert event_type_of_call("track", "Feature X used") == "Feature X used"


@pytest.mark.parametrize("kind", ["page", "screen"])
def test_page_and_screen_calls_are_visits_of_the_named_page(kind):
    assert event_type_of_call(kind, "Pricing") == "page:pricing"


def test_a_page_call_without_a_name_is_a_page_visit():
    assert event_type_of_call("page", None) == "page"
    assert event_type_of_call("page", "   ") == "page"


def test_identify_is_not_an_event():
    with pytest.raises(ValueError):
        event_type_of_call("identify", None)
