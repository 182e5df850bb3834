"""The course's own rubrics, graded by the keyword grader (pure: no database).

Two kinds of checks:

- every free-text part of content/questions/*.md: its model answers earn (nearly) full marks;
- for a set of scenario questions (a choice part plus a "justify" part) from every chapter, six
  answers written the way students write them, each with the score band an instructor would
  give: strong, partial, a good-sounding argument for a wrong option, off topic, a key idea
  stated negatively, and key words without an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from courses.content import split_front_matter
from grading.freetext import GradeResult, grade
from grading.rubric import Rubric, rubric_from_dict

QUESTIONS_DIR = Path(__file__).resolve().parents[2] / "content" / "questions"


@cache
def load_question(slug: str) -> dict[str, Any]:
    front, _body = split_front_matter((QUESTIONS_DIR / f"{slug}.md").read_text(encoding="utf-8"))
    data = yaml.safe_load(front)
    assert isinstance(data, dict), slug
    return data


def free_text_parts() -> list[tuple[str, str]]:
    """(slug, part id) of every free-text part in the question bank."""
    out = []
    for path in sorted(QUESTIONS_DIR.glob("*.md")):
        for part in load_question(path.stem)["parts"]:
            if part["kind"] == "free_text":
                out.append((path.stem, part["id"]))
    return out


@cache
def rubric_of(slug: str, part_id: str = "justify") -> Rubric:
    part = next(p for p in load_question(slug)["parts"] if p["id"] == part_id)
    return rubric_from_dict(part["rubric"], where=f"{slug}.{part_id}.rubric")


def one_level(rubric: Rubric) -> float:
    """The largest number of points one level step is worth in any criterion."""
    return max(c.levels[-1].points - c.levels[-2].points for c in rubric.criteria)


FREE_TEXT_PARTS = free_text_parts()


# ------------------------------------------------------------------------- (a) model answers


def test_the_question_bank_has_the_expected_free_text_parts() -> None:
    assert len(FREE_TEXT_PARTS) >= 57


@pytest.mark.parametrize(("slug", "part_id"), FREE_TEXT_PARTS, ids=[s for s, _ in FREE_TEXT_PARTS])
def test_every_model_answer_earns_full_marks_or_at_most_one_level_less(
    slug: str, part_id: str
) -> None:
    rubric = rubric_of(slug, part_id)
    floor = rubric.max_score - one_level(rubric)
    for i, answer in enumerate(rubric.model_answers):
        res = grade(rubric, answer)
        assert res.score >= floor, (i, describe(res))
        assert not any(c.misconceptions for c in res.criteria), (i, describe(res))
    first = grade(rubric, rubric.model_answers[0])
    assert first.score == rubric.max_score, describe(first)


# ------------------------------------------------------------------------- (b) scenarios


@dataclass(frozen=True)
class Scenario:
    slug: str
    correct: str  # option id of part "choice" that the justification should argue for
    wrong: str  # a wrong option id
    strong: str
    partial: str
    wrong_choice: str  # a fluent argument for the wrong option
    off_topic: str
    negated: str  # states `negated_idea` negatively
    negated_idea: tuple[str, str]  # (criterion id, key idea id)
    padded: str  # key words of the rubric without an argument


SCENARIOS = [
    Scenario(
        slug="startup-deployment-strategy",
        correct="b",
        wrong="a",
        strong=(
            "Engineer B's plan fits better. Steering the single model with task-specific "
            "instructions needs no extra training run, so the startup spends nothing on data or "
            "compute and can launch both products quickly. One model serves both products: the "
            "co-writer's instructions ask for imaginative story ideas, while the legal assistant's "
            "instructions ask for formal, factual summaries. This works because the model is "
            "already instruction-tuned, and the legal summaries still need human review."
        ),
        partial="B, because it is cheaper than training two separate models.",
        wrong_choice=(
            "Engineer A. Fine-tuning a dedicated copy on specialised data gives each product "
            "tighter control over style: the creative model learns from stories and the legal "
            "model from real briefs, so both produce higher-quality, more reliable output than a "
            "general model reading instructions."
        ),
        off_topic=(
            "My favourite football team won on Saturday and the weather was lovely for a picnic."
        ),
        negated=(
            "Engineer B, although it is not cheaper or faster to launch than fine-tuning; what "
            "matters is that one model serves both products with its own instructions per product."
        ),
        negated_idea=("argues-for-prompting", "cheap-and-fast"),
        padded=(
            "prompting no retraining cheaper fast launch budget deadline one model both products "
            "task-specific prompts"
        ),
    ),
    Scenario(
        slug="ai-assistant-fine-tuning-strategy",
        correct="a",
        wrong="b",
        strong=(
            "Strategy A. Training one model on a mix of tasks, all written as instructions, "
            "teaches it to follow instructions in general, so it also handles new kinds of "
            "request it never saw. It needs only one training run and one model to host, which "
            "suits the small budget far better than three runs and three deployments."
        ),
        partial="Strategy A, because one model for all tasks is simpler.",
        wrong_choice=(
            "Strategy B. Three specialised models each learn their own task in depth, so the "
            "summariser, the email writer and the question answerer will each be more accurate "
            "than a general model that has to split its capacity between tasks."
        ),
        off_topic=(
            "The recipe calls for two eggs, a cup of flour and a pinch of salt, baked for twenty "
            "minutes."
        ),
        negated=(
            "Strategy A, since one model can do all three jobs, although mixing the tasks does "
            "not help it generalize to new kinds of request."
        ),
        negated_idea=("argues-for-a", "generalizes"),
        padded=(
            "mixed dataset instructions one model generalization single training run cheaper "
            "three models"
        ),
    ),
    Scenario(
        slug="benchmark-contamination-suspicion",
        correct="contamination",
        wrong="harder",
        strong=(
            "Contamination. Pages quoting the benchmark questions were crawled into the training "
            "corpus, so the model saw the test items during pre-training and partly memorized "
            "the answers; on freshly written questions of the same difficulty it drops to 61%. "
            "The team should remove documents that overlap with the benchmark before training, "
            "for example with n-gram matching, and report results on a held-out set of new "
            "questions."
        ),
        partial="The test set leaked into the training data, so the 92% is inflated.",
        wrong_choice=(
            "The new questions are simply harder than the benchmark. They were written by one "
            "reviewer who probably made them more difficult, so a lower score is expected, and "
            "the team should just report both numbers."
        ),
        off_topic="I spent the holidays hiking in the mountains with my cousins and their dog.",
        negated=(
            "Some benchmark pages were crawled, but the model did not memorize the answers. The "
            "team should still test on held-out questions."
        ),
        negated_idea=("argues-for-contamination", "memorized"),
        padded=(
            "contamination benchmark leaked training data memorized decontaminate n-gram overlap "
            "held-out test set"
        ),
    ),
    Scenario(
        slug="daily-changing-catalog-assistant",
        correct="rag",
        wrong="weekly-fine-tuning",
        strong=(
            "RAG. The assistant looks up the current product records at question time, so prices "
            "and stock are always up to date without any retraining; the store only updates its "
            "database. Weekly fine-tuning would freeze the catalog in the weights, so prices "
            "would be stale a day after each run, and every run costs compute."
        ),
        partial="RAG, because it can look up the latest prices.",
        wrong_choice=(
            "Weekly fine-tuning, because the model learns the whole catalog and can answer "
            "without searching anything, and training every weekend keeps its knowledge fresh "
            "enough for customers."
        ),
        off_topic="Our cat sleeps on the windowsill most afternoons and ignores the neighbours.",
        negated=(
            "RAG does not keep the answers up to date, but it needs no retraining when products "
            "change."
        ),
        negated_idea=("argues-for-rag", "current-information"),
        padded=(
            "RAG retrieval current prices up-to-date database no retraining stale weekly "
            "fine-tuning costly"
        ),
    ),
    Scenario(
        slug="cot-arithmetic-tutor",
        correct="worked-steps",
        wrong="more-answer-only",
        strong=(
            "Worked examples that show the intermediate steps make the model write out its "
            "reasoning step by step. The problem is broken into small calculations it already "
            "gets right, and each later step builds on the results it has already written, so "
            "it does not have to jump straight to the final number. Only the prompt changes, so "
            "no fine-tuning is needed."
        ),
        partial="Showing the steps makes the model use step-by-step reasoning.",
        wrong_choice=(
            "More examples of questions with their final answers give the model a clearer "
            "pattern to copy, so it learns the expected format and answers more consistently."
        ),
        off_topic=(
            "The ferry to the island was delayed by an hour because of the storm last night."
        ),
        negated=(
            "Chain of thought writes out the intermediate steps, but it does not break the "
            "problem into smaller steps; it only makes the answer longer."
        ),
        negated_idea=("argues-for-cot", "decomposition"),
        padded=(
            "chain of thought intermediate steps step-by-step decomposition earlier results "
            "prompt only no retraining"
        ),
    ),
    Scenario(
        slug="hr-policy-assistant-strategy",
        correct="rag",
        wrong="fine-tune",
        strong=(
            "RAG. The handbook is indexed and the relevant sections are retrieved for each "
            "question, so answers always use the current version and can cite the section they "
            "rely on; when a policy changes the team just re-indexes the documents instead of "
            "retraining. Fine-tuning would have to be repeated after every revision and would be "
            "out of date in between, and the 400-page handbook is far too long for the "
            "8,000-token context."
        ),
        partial="RAG, because the answers can cite the handbook section.",
        wrong_choice=(
            "Fine-tune the model on the handbook every time it is revised, because the model "
            "then knows all the policies by heart and answers fluently without any retrieval "
            "step."
        ),
        off_topic=(
            "The concert last night featured a brilliant violin solo and an encore of folk songs."
        ),
        negated=(
            "RAG keeps the answers current by re-indexing, but it cannot cite the section an "
            "answer comes from."
        ),
        negated_idea=("argues-for-rag", "grounded-citable"),
        padded=(
            "RAG index retrieve sections current version cite section re-index fine-tuning stale "
            "handbook too long"
        ),
    ),
    Scenario(
        slug="rlhf-or-dpo-for-a-small-lab",
        correct="dpo",
        wrong="rlhf",
        strong=(
            "DPO. It trains the SFT model directly on the 30,000 chosen and rejected pairs the "
            "lab already has, comparing the policy's log-probabilities with those of a frozen "
            "reference model. There is no separate reward model and no PPO loop, so it needs "
            "less compute and less RL expertise and is simpler and more stable to run."
        ),
        partial="DPO, because it is simpler and more stable than PPO.",
        wrong_choice=(
            "Full RLHF, because a separately trained reward model gives a flexible signal that "
            "can score any new answer, and PPO has a strong track record in industry."
        ),
        off_topic=(
            "My sister is learning to play the cello and practises every evening after dinner."
        ),
        negated=(
            "DPO is simpler to run, but it still needs a separate reward model to score the "
            "answers."
        ),
        negated_idea=("argues-for-dpo", "no-reward-model"),
        padded=(
            "DPO no reward model no PPO preference pairs reference model simpler stable less "
            "compute"
        ),
    ),
    Scenario(
        slug="long-chat-memory-growth",
        correct="kv-growth",
        wrong="weights-grow",
        strong=(
            "The KV cache stores keys and values for every token at every layer, separately for "
            "each conversation, so its memory grows with the context length times the batch "
            "size while the weights stay at 14 GB. Grouped-query attention would shrink it, "
            "because several heads share the same keys and values, so fewer keys and values are "
            "stored."
        ),
        partial="The KV cache grows with each token of the conversation.",
        wrong_choice=(
            "The model's weights grow as it processes longer inputs, so a 16,000-token context "
            "needs a much larger model in memory; cutting the batch is the only way around it."
        ),
        off_topic=(
            "We planted tomatoes and basil in the garden this spring and they came up quickly."
        ),
        negated=(
            "The cache stores keys and values for every token, but the conversations do not "
            "each have their own cache, so the batch size does not matter."
        ),
        negated_idea=("argues-for-kv", "per-sequence"),
        padded=(
            "KV cache keys values every token every layer batch size grouped-query attention "
            "quantize cache"
        ),
    ),
    Scenario(
        slug="sampling-settings-two-features",
        correct="split",
        wrong="hotter",
        strong=(
            "Use greedy decoding or a low temperature for SQL and keep sampling for the name "
            "ideas. A query must be exact and the same every time, and temperature 1.3 flattens "
            "the distribution so unlikely tokens get sampled, which produces malformed, "
            "inconsistent SQL. Brainstorming benefits from variety, so a higher temperature with "
            "top-p, which cuts off the unlikely tail, suits the names."
        ),
        partial="SQL should use a low temperature because code must be exact.",
        wrong_choice=(
            "Raise the temperature for both features, because the model then explores more "
            "options and finds better queries as well as more creative names."
        ),
        off_topic="The museum opens at ten and the café on the top floor serves excellent scones.",
        negated=(
            "Use greedy decoding for the SQL so the query is the same every time; the name ideas "
            "do not need variety either."
        ),
        negated_idea=("argues-for-split", "ideas-diverse"),
        padded=(
            "greedy SQL low temperature exact query sampling names variety top-p tail flattens "
            "distribution"
        ),
    ),
    Scenario(
        slug="moe-for-which-team",
        correct="north-moe",
        wrong="south-moe",
        strong=(
            "MoE for North. Each token visits only a few experts, so compute per token follows "
            "the active parameters and serving stays cheap, while the large total number of "
            "parameters gives more capacity for the same compute. The cost is memory, because "
            "every expert must be loaded, which North can afford. South should stay dense, "
            "because the whole model must fit in 8 GB."
        ),
        partial="North, because MoE uses little compute per token.",
        wrong_choice=(
            "MoE for South: since only two experts run for each token, the phone just keeps "
            "those two in its memory, so the model gets small enough for the chip while keeping "
            "the quality of a big one."
        ),
        off_topic="My grandmother grows roses and enters them in the village show each June.",
        negated=(
            "MoE for North, since it needs little compute per token and the experts do not all "
            "need to be in memory."
        ),
        negated_idea=("argues-for-north", "memory-cost"),
        padded=(
            "MoE North compute per token active parameters capacity memory every expert loaded "
            "South dense 8 GB"
        ),
    ),
    Scenario(
        slug="quantizing-for-offline-laptops",
        correct="four",
        wrong="eight",
        strong=(
            "4-bit weights. At 16 bits the model needs 26 GB and 8-bit needs 13 GB, too large "
            "for the 12 GB GPU, while 4-bit takes about 6.5 GB and leaves room for the KV cache. "
            "With a method like AWQ the accuracy loss at 4 bits is small, whereas 2-bit loses "
            "too much accuracy. The firm should test the quantized model on its own documents "
            "before rolling it out."
        ),
        partial="4-bit, because it fits in 12 GB with the cache.",
        wrong_choice=(
            "8-bit weights, because they keep almost all of the original quality, and lawyers "
            "need precise answers more than speed; the loss of the lower formats is not "
            "acceptable for contracts."
        ),
        off_topic="The bakery on the corner sells fresh croissants every morning before eight.",
        negated="4-bit weights, although they do not fit in 12 GB with the cache.",
        negated_idea=("argues-for-four-bit", "fits"),
        padded=(
            "4-bit 6.5 GB KV cache 12 GB 8-bit 13 GB too large accuracy loss AWQ own documents"
        ),
    ),
    Scenario(
        slug="invented-clause-numbers",
        correct="quote-and-check",
        wrong="fine-tune",
        strong=(
            "The audit shows the right clause was retrieved, so the problem is in generation. "
            "Making the model quote the clause ties each claim to the source, checking each "
            "claim against the clause catches unsupported statements, and letting it say when "
            "the sources do not answer removes the pressure to guess. More passages add noise, "
            "and a temperature of 0 repeats the same error."
        ),
        partial="Quote the clause, so that a reader can see where each answer comes from.",
        wrong_choice=(
            "Fine-tuning on the policy documents is best, because the model then knows every "
            "clause by heart and stops depending on the search step, so its clause numbers "
            "come out right."
        ),
        off_topic="We took the night train to Vienna and slept surprisingly well.",
        negated=(
            "Quoting the clause helps, but the right clause was not retrieved, so the search is "
            "what failed."
        ),
        negated_idea=("argues-for-quote-and-check", "generation-problem"),
        padded=(
            "quote clause verify claims source abstain retrieved generation noise temperature "
            "repeats error"
        ),
    ),
]

SCENARIO_IDS = [s.slug for s in SCENARIOS]


def describe(res: GradeResult) -> str:
    return f"{res.score}/{res.max_score} review={res.needs_review} " + "; ".join(
        f"{c.criterion_id}: L{c.level_index} {c.points}/{c.max_points} found={list(c.matched_ideas)} "
        f"contra={list(c.contradicted_ideas)} mis={list(c.misconceptions)} ({c.note})"
        for c in res.criteria
    )


def argues_for_criteria(rubric: Rubric) -> list[str]:
    return [c.id for c in rubric.criteria if c.argues_for is not None]


def criterion(res: GradeResult, criterion_id: str) -> Any:
    return next(c for c in res.criteria if c.criterion_id == criterion_id)


def test_the_scenarios_cover_every_chapter_and_both_seed_questions() -> None:
    slugs = {s.slug for s in SCENARIOS}
    assert {"startup-deployment-strategy", "ai-assistant-fine-tuning-strategy"} <= slugs
    assert len(slugs) >= 8
    course = yaml.safe_load((QUESTIONS_DIR.parent / "course.yaml").read_text(encoding="utf-8"))
    chapter_of = {}
    for path in (QUESTIONS_DIR.parent / "concepts").glob("*.md"):
        front, _ = split_front_matter(path.read_text(encoding="utf-8"))
        chapter_of[path.stem] = yaml.safe_load(front)["chapter"]
    covered = {chapter_of[c] for s in SCENARIOS for c in load_question(s.slug)["concepts"]}
    assert covered == {ch["slug"] for ch in course["chapters"]}


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_each_scenario_names_real_options_and_an_argues_for_criterion(sc: Scenario) -> None:
    question = load_question(sc.slug)
    choice = next(p for p in question["parts"] if p["id"] == "choice")
    correct = {o["id"] for o in choice["options"] if o["correct"]}
    assert correct == {sc.correct}
    assert sc.wrong in {o["id"] for o in choice["options"]} - correct
    rubric = rubric_of(sc.slug)
    assert argues_for_criteria(rubric)
    for c in rubric.criteria:
        if c.argues_for is not None:
            assert (c.argues_for.part, c.argues_for.option) == ("choice", sc.correct)
    crit_id, idea_id = sc.negated_idea
    assert idea_id in {k.id for k in next(c for c in rubric.criteria if c.id == crit_id).key_ideas}


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_a_strong_answer_earns_full_or_near_full_marks(sc: Scenario) -> None:
    rubric = rubric_of(sc.slug)
    res = grade(rubric, sc.strong, {"choice": sc.correct})
    assert res.score >= rubric.max_score - one_level(rubric), describe(res)
    assert not any(c.misconceptions for c in res.criteria), describe(res)


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_a_partial_answer_earns_some_but_not_all_marks(sc: Scenario) -> None:
    rubric = rubric_of(sc.slug)
    res = grade(rubric, sc.partial, {"choice": sc.correct})
    assert 0 < res.score < rubric.max_score, describe(res)


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_a_fluent_argument_for_a_wrong_option_earns_no_argues_for_credit_and_a_low_total(
    sc: Scenario,
) -> None:
    rubric = rubric_of(sc.slug)
    res = grade(rubric, sc.wrong_choice, {"choice": sc.wrong})
    for crit_id in argues_for_criteria(rubric):
        c = criterion(res, crit_id)
        assert (c.level_index, c.points) == (0, 0), describe(res)
        assert f"picked option {sc.wrong}" in c.note
    assert res.score <= rubric.max_score / 4, describe(res)


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_the_same_good_text_earns_nothing_on_argues_for_when_the_wrong_option_was_picked(
    sc: Scenario,
) -> None:
    rubric = rubric_of(sc.slug)
    right = grade(rubric, sc.strong, {"choice": sc.correct})
    wrong = grade(rubric, sc.strong, {"choice": sc.wrong})
    for crit_id in argues_for_criteria(rubric):
        assert criterion(right, crit_id).points > 0, describe(right)
        assert criterion(wrong, crit_id).points == 0, describe(wrong)
    assert wrong.score < right.score


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_an_off_topic_answer_gets_the_lowest_level_of_every_criterion_with_confidence(
    sc: Scenario,
) -> None:
    rubric = rubric_of(sc.slug)
    res = grade(rubric, sc.off_topic, {"choice": sc.correct})
    assert [c.level_index for c in res.criteria] == [0] * len(rubric.criteria), describe(res)
    assert res.score == 0
    assert not res.needs_review, describe(res)


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_a_key_idea_stated_negatively_is_not_credited(sc: Scenario) -> None:
    rubric = rubric_of(sc.slug)
    res = grade(rubric, sc.negated, {"choice": sc.correct})
    crit_id, idea_id = sc.negated_idea
    c = criterion(res, crit_id)
    assert idea_id not in c.matched_ideas, describe(res)
    assert idea_id in c.contradicted_ideas, describe(res)
    assert c.points < c.max_points, describe(res)


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_key_words_without_an_argument_score_low_and_go_to_review(sc: Scenario) -> None:
    rubric = rubric_of(sc.slug)
    res = grade(rubric, sc.padded, {"choice": sc.correct})
    assert res.needs_review, describe(res)
    assert res.score <= rubric.max_score / 2, describe(res)


def test_saying_prompting_does_not_avoid_retraining_does_not_earn_the_no_training_idea() -> None:
    rubric = rubric_of("startup-deployment-strategy")
    res = grade(
        rubric,
        "Engineer B, but it does NOT avoid retraining: the model still has to be trained again "
        "for each product.",
        {"choice": "b"},
    )
    assert "no-training" not in criterion(res, "argues-for-prompting").matched_ideas


# ------------------------------------------------------------------------- (c) reported bugs


def test_dpo_working_without_a_reward_model_trained_from_feedback_is_no_misconception() -> None:
    # bug 2: the negation belongs to "a reward model", not to "human feedback"
    rubric = rubric_of("rlhf-or-dpo-for-a-small-lab")
    res = grade(
        rubric,
        "DPO works without a reward model trained from human feedback; it learns directly "
        "from the chosen and rejected pairs.",
        {"choice": "dpo"},
    )
    assert criterion(res, "shared-data").misconceptions == (), describe(res)
    assert criterion(res, "shared-data").points > 0, describe(res)


def test_training_not_only_small_adapters_does_not_earn_the_adapters_idea() -> None:
    # bug 3: "not only X but every weight" asserts more than X, not "only X"
    rubric = rubric_of("is-full-sft-cheap-with-a-small-dataset")
    res = grade(
        rubric,
        "Rent more GPUs. Full fine-tuning trains not only small adapter matrices but every "
        "weight, so it needs far more memory.",
        {"choice": "memory-per-parameter"},
    )
    option = criterion(res, "realistic-option")
    assert option.matched_ideas == ("more-hardware",), describe(res)
    assert option.level_index == 1, describe(res)


def test_a_question_with_no_other_context_still_looks_like_an_faq_page() -> None:
    # bug 4: "no" negates "other context", not the verb phrase that follows it
    rubric = rubric_of("base-checkpoint-in-a-chat-widget")
    res = grade(
        rubric,
        "It is a base model trained only to continue text: a short question with no other "
        "context looks like an FAQ page.",
        {"choice": "base-model"},
    )
    c = criterion(res, "argues-for-base-model")
    assert "plausible-continuation" in c.matched_ideas, describe(res)
    assert c.contradicted_ideas == (), describe(res)


def test_no_reward_model_or_ppo_loop_negates_both() -> None:
    # bug 4: coordination inside a negated noun phrase stays negated
    rubric = rubric_of("rlhf-or-dpo-for-a-small-lab")
    res = grade(rubric, "DPO, because no reward model or PPO loop is needed.", {"choice": "dpo"})
    c = criterion(res, "argues-for-dpo")
    assert set(c.matched_ideas) == {"no-reward-model", "no-rl-loop"}, describe(res)
    assert c.contradicted_ideas == (), describe(res)


def test_saying_more_pre_training_would_not_fix_it_raises_no_misconception() -> None:
    # bug 5: the negation after the verb denies the misconception
    rubric = rubric_of("base-checkpoint-in-a-chat-widget")
    res = grade(
        rubric,
        "More pre-training would not fix it; the startup should switch to the "
        "instruction-tuned model.",
        {"choice": "base-model"},
    )
    c = criterion(res, "remedy")
    assert c.misconceptions == (), describe(res)
    assert "misconception" not in c.note.lower(), describe(res)
    assert c.level_index == 1, describe(res)


def test_contrasting_sft_with_rlhf_that_uses_reinforcement_learning_is_not_capped() -> None:
    # review: the rubric capped a true statement about RLHF as a misconception about SFT
    rubric = rubric_of("why-sft-scores-only-the-response", "explain")
    res = grade(
        rubric,
        "SFT maximizes the likelihood of the response given the instruction, unlike RLHF, "
        "which uses reinforcement learning against a reward model.",
    )
    c = criterion(res, "objective")
    assert c.misconceptions == (), describe(res)
    assert c.points > 0, describe(res)


def test_saying_a_small_dataset_needs_little_compute_is_not_capped() -> None:
    # review: fewer examples do mean less compute; the misconception is about memory
    rubric = rubric_of("adapting-one-model-for-many-clients")
    res = grade(
        rubric,
        "LoRA. Full fine-tuning keeps gradients and optimizer states for every weight and a "
        "full copy per client. Few examples means little compute, but memory does not shrink.",
        {"choice": "lora"},
    )
    c = criterion(res, "cost-source")
    assert c.misconceptions == (), describe(res)
    assert c.points == c.max_points, describe(res)


def test_capping_the_context_earns_no_mitigation_when_the_stem_rules_it_out() -> None:
    # review: the rubric credited the very workaround the scenario excludes
    rubric = rubric_of("long-chat-memory-growth")
    res = grade(
        rubric,
        "Cap the context length at 4,000 tokens and use a smaller batch size.",
        {"choice": "kv-growth"},
    )
    assert criterion(res, "mitigation").points == 0, describe(res)


def test_truncating_a_contract_is_not_credited_as_a_fix() -> None:
    # review: truncation drops most of the contract, so it does not summarize it
    rubric = rubric_of("contract-summaries-beyond-training-length")
    res = grade(rubric, "Truncate the contract to fit the window.", {"choice": "beyond-length"})
    assert criterion(res, "fixes").points == 0, describe(res)


def test_a_smaller_over_trained_model_earns_full_sizing_marks() -> None:
    # review: the scaling-laws concept endorses smaller models trained on more tokens
    rubric = rubric_of("pre-training-plan-for-a-science-model", "plan")
    res = grade(
        rubric,
        "With C = 6ND and inference cost in mind I would over-train a smaller model: about 4 "
        "billion parameters on 500 billion tokens.",
    )
    c = criterion(res, "sizing")
    assert c.points == c.max_points, describe(res)


def scenario_text(slug: str, part_id: str = "justify") -> str:
    """What the student is shown: the question's scenario and the part's prompt."""
    _front, body = split_front_matter((QUESTIONS_DIR / f"{slug}.md").read_text(encoding="utf-8"))
    part = next(p for p in load_question(slug)["parts"] if p["id"] == part_id)
    return body + "\n" + str(part["prompt"])


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_pasting_the_scenario_earns_no_half_ideas_when_the_grader_knows_the_question(
    sc: Scenario,
) -> None:
    # bug 6: key ideas found in part only in words of the scenario do not count as half ideas
    rubric = rubric_of(sc.slug)
    shown = scenario_text(sc.slug)
    _front, body = split_front_matter((QUESTIONS_DIR / f"{sc.slug}.md").read_text("utf-8"))
    plain = grade(rubric, body, {"choice": sc.correct})
    res = grade(rubric, body, {"choice": sc.correct}, prompt=shown)
    assert res.score <= plain.score
    for c, crit in zip(res.criteria, rubric.criteria, strict=True):
        needed = crit.min_ideas_needed()
        from_full_ideas = max(i for i, n in enumerate(needed) if len(c.matched_ideas) >= n)
        assert c.level_index <= from_full_ideas, describe(res)


def test_pasting_the_scenario_earns_less_on_average_when_the_grader_knows_the_question() -> None:
    plain = with_prompt = 0.0
    for sc in SCENARIOS:
        rubric = rubric_of(sc.slug)
        _front, body = split_front_matter((QUESTIONS_DIR / f"{sc.slug}.md").read_text("utf-8"))
        plain += grade(rubric, body, {"choice": sc.correct}).fraction
        with_prompt += grade(
            rubric, body, {"choice": sc.correct}, prompt=scenario_text(sc.slug)
        ).fraction
    assert with_prompt < plain


@pytest.mark.parametrize("sc", SCENARIOS, ids=SCENARIO_IDS)
def test_knowing_the_question_does_not_lower_a_strong_answer(sc: Scenario) -> None:
    rubric = rubric_of(sc.slug)
    res = grade(rubric, sc.strong, {"choice": sc.correct}, prompt=scenario_text(sc.slug))
    assert res.score >= rubric.max_score - one_level(rubric), describe(res)
