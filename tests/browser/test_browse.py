"""A student browses the course in Chromium: home → concept → learn after → graph → node."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_io.course import import_course
from tests.browser.conftest import screenshot

CONTENT = Path(__file__).resolve().parents[2] / "content"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def real_course(transactional_db: None) -> None:
    import_course(CONTENT)


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


# Whether the current concept's box is inside both the graph's scroll box and the window.
CURRENT_IN_VIEW = """() => {
  const box = document.querySelector('.graph-scroll').getBoundingClientRect();
  const node = document.querySelector('.graph .is-current rect').getBoundingClientRect();
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1
                        && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  const win = {left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight};
  return inside(node, box) && inside(node, win);
}"""
DEEP = ["kv-cache", "rlhf", "direct-preference-optimization", "in-context-learning"]


@pytest.mark.parametrize("viewer", ["page", "phone"])
def test_a_concepts_graph_opens_with_the_concept_in_view(
    viewer: str, request: pytest.FixtureRequest, real_course
) -> None:
    browser_page = request.getfixturevalue(viewer)
    out_of_view = []
    for slug in DEEP:
        browser_page.goto(f"/courses/foundations-of-llms/concepts/{slug}/")
        browser_page.get_by_role("link", name="See this neighbourhood as a graph").click()
        browser_page.wait_for_url(f"**/concepts/{slug}/graph/**")
        browser_page.wait_for_load_state("load")
        if not browser_page.evaluate(CURRENT_IN_VIEW):
            out_of_view.append(slug)

    assert out_of_view == []


def test_without_javascript_the_graph_link_still_brings_the_concept_into_view(
    browser, live_server, real_course
) -> None:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, java_script_enabled=False
    )
    nojs = context.new_page()
    out_of_view = []
    for slug in DEEP:
        nojs.goto(f"/courses/foundations-of-llms/concepts/{slug}/")
        nojs.get_by_role("link", name="See this neighbourhood as a graph").click()
        nojs.wait_for_url(f"**/concepts/{slug}/graph/**")
        box = nojs.locator(".graph-scroll").bounding_box()
        node = nojs.locator(".graph .is-current rect").bounding_box()
        assert box is not None and node is not None
        visible_x = (
            box["x"] - 1 <= node["x"] and node["x"] + node["width"] <= box["x"] + box["width"] + 1
        )
        visible_y = node["y"] >= -1 and node["y"] + node["height"] <= 741
        if not (visible_x and visible_y):
            out_of_view.append(slug)
    context.close()

    assert out_of_view == []
