"""A student browses the course in Chromium: home → concept → learn after → graph → node."""

from __future__ import annotations

from pathlib import Path

import pytest

from courses.content import import_tree
from tests.browser.conftest import screenshot

CONTENT = Path(__file__).resolve().parents[2] / "content"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_course(transactional_db: None) -> None:
    import_tree(CONTENT)


def test_a_student_browses_from_home_to_a_concept_and_on_through_the_graph(
    page, real_course
) -> None:
    page.goto("/")
    screenshot(page, "home")
    page.get_by_role("link", name="Foundations of Large Language Models").first.click()
    page.get_by_role("link", name="Supervised Fine-Tuning for LLM Alignment").first.click()
    page.wait_for_url("**/concepts/supervised-fine-tuning/")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Supervised Fine-Tuning for LLM Alignment"
    )
    screenshot(page, "concept")

    learn_after = page.locator("section[aria-labelledby=h-after]")
    target = learn_after.get_by_role("link").first
    target_title = target.inner_text()
    target_href = target.get_attribute("href")
    target.click()
    page.wait_for_url(f"**{target_href}")
    assert page.get_by_role("heading", level=1).inner_text() == target_title

    page.goto("/courses/foundations-of-llms/graph/")
    node = page.locator("svg a[href$='/concepts/rlhf/']")
    node.scroll_into_view_if_needed()
    screenshot(page, "graph")
    node.click()
    page.wait_for_url("**/concepts/rlhf/")
    assert (
        "Reinforcement Learning from Human Feedback"
        in page.get_by_role("heading", level=1).inner_text()
    )


def test_a_concept_page_fits_a_phone_screen(phone, real_course) -> None:
    phone.goto("/courses/foundations-of-llms/concepts/rescoring-and-reranking/")

    width = phone.evaluate("document.documentElement.scrollWidth")
    screenshot(phone, "concept-phone")
    assert width <= 375
    assert (
        phone.get_by_role("heading", name="Learn before").is_visible()
        or phone.get_by_text("Learn before").count()
    )


def test_live_search_updates_results_as_the_student_types(page, real_course) -> None:
    page.goto("/search/")
    page.locator("#q").fill("reward")

    page.locator("#results a").first.wait_for()

    assert page.locator("#results a").count() >= 2
    assert "reward" in page.url  # hx-push-url keeps the address shareable


def test_search_works_with_javascript_off(browser, live_server, real_course) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/search/")
    page.locator("#q").fill("reward")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=reward")

    assert page.locator("#results a").count() >= 2
    context.close()
