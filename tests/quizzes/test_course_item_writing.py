"""The course's own question bank passes the item-writing checker (docs/item-writing.md): no
unwaived finding, every waiver with its reason, and the bank's keys balanced."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzes.content import check_tree_items
from quizzes.itemcheck import BankReport

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def report() -> BankReport:
    return check_tree_items(CONTENT)[0]


def test_the_course_has_no_unwaived_item_writing_finding(report: BankReport) -> None:
    assert [str(f) for f in report.unwaived] == []


def test_the_key_is_rarely_the_longest_option(report: BankReport) -> None:
    assert report.single_parts >= 80
    assert report.longest_key_share <= 0.35


def test_true_false_and_multiple_response_keys_are_balanced(report: BankReport) -> None:
    assert 0.35 <= report.true_share <= 0.65
    assert report.multiple_half_share <= 0.5


def test_waivers_are_few_and_each_says_why(report: BankReport) -> None:
    waived = [f for f in report.findings if f.waived]

    assert all(len(f.waived.split()) >= 4 for f in waived), waived
    assert len(waived) <= 15
