"""One formatter turns a recorded change into the rows every authoring page shows."""

from courses.history import FieldChange, field_changes, shown


def test_a_changed_field_shows_before_and_after_with_spaces_in_its_name() -> None:
    assert field_changes({"pass_mark": [50, 60]}) == [FieldChange("pass mark", "50", "60")]


def test_nothing_shows_as_a_dash_and_a_list_is_joined() -> None:
    assert field_changes({"tags": [[], ["attention", "softmax"]]}) == [
        FieldChange("tags", "—", "attention, softmax")
    ]


def test_a_question_part_names_what_changed_in_it_or_that_it_came_or_went() -> None:
    one = {"kind": "single", "prompt": "Which?", "points": 1}
    other = {"kind": "single", "prompt": "Which one?", "points": 2}

    assert field_changes(
        {"part a": [one, other], "part b": [None, one], "part c": [one, None]}
    ) == [
        FieldChange("part a", "", "changed points, prompt"),
        FieldChange("part b", "", "added (single)"),
        FieldChange("part c", "(single)", "removed"),
    ]


def test_a_long_value_is_cut_to_the_limit_with_an_ellipsis() -> None:
    text = shown("x" * 500)

    assert len(text) == 120 and text.endswith("…")


def test_a_malformed_record_is_skipped_rather_than_shown_wrong() -> None:
    assert field_changes({"title": "not a pair"}) == []
