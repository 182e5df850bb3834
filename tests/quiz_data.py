"""Question files of every kind, and a quiz holding one of each, for tests."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

QUESTIONS = {
    "pick-one": """\
        ---
        slug: pick-one
        title: Pick one
        bloom: remember
        concepts: [alpha]
        explanation: Alpha comes first.
        parts:
          - id: choice
            kind: single
            prompt: Which comes first?
            options:
              - {id: a, text: Alpha, correct: true, feedback: SECRET-FEEDBACK-A}
              - {id: b, text: Beta, correct: false, feedback: SECRET-FEEDBACK-B}
        ---
        A team must choose where to start.
        """,
    "pick-many": """\
        ---
        slug: pick-many
        title: Pick many
        bloom: understand
        concepts: [beta]
        parts:
          - id: choice
            kind: multiple
            prompt: Which change weights?
            options:
              - {id: sft, text: SFT, correct: true}
              - {id: rlhf, text: RLHF, correct: true}
              - {id: prompt, text: Prompting, correct: false}
        ---
        Methods.
        """,
    "true-or-false": """\
        ---
        slug: true-or-false
        title: True or false
        bloom: remember
        concepts: [alpha]
        parts:
          - id: tf
            kind: true_false
            prompt: Prompting changes the weights.
            options:
              - {id: "true", text: "True", correct: false}
              - {id: "false", text: "False", correct: true}
        ---
        Claim.
        """,
    "match-them": """\
        ---
        slug: match-them
        title: Match them
        bloom: apply
        concepts: [beta]
        parts:
          - id: m
            kind: matching
            prompt: Match each method to its effect.
            pairs:
              - {id: sft, left: SFT, right: Updates weights on labelled pairs}
              - {id: prompt, left: Prompting, right: Leaves weights unchanged}
            distractors: [Deletes the model]
        ---
        Match.
        """,
    "put-in-order": """\
        ---
        slug: put-in-order
        title: Put in order
        bloom: apply
        concepts: [gamma]
        parts:
          - id: o
            kind: ordering
            prompt: Order the stages.
            items:
              - {id: pre, text: Pre-training}
              - {id: sft, text: SFT}
              - {id: rlhf, text: RLHF}
        ---
        Stages.
        """,
    "scenario": """\
        ---
        slug: scenario
        title: Startup scenario
        bloom: evaluate
        concepts: [gamma]
        parts:
          - id: choice
            kind: single
            prompt: Which engineer?
            options:
              - {id: a, text: Engineer A, correct: false}
              - {id: b, text: Engineer B, correct: true}
          - id: justify
            kind: free_text
            prompt: Justify your reasoning.
            rubric:
              model_answers: [B needs no retraining and is cheap.]
              criteria:
                - id: reason
                  title: Gives the reason
                  looks_for: SECRET-RUBRIC-TEXT
                  argues_for: {part: choice, option: b}
                  key_ideas:
                    - id: cheap
                      phrasings: [no retraining, cheap]
                  levels:
                    - {points: 0, descriptor: Nothing.}
                    - {points: 2, descriptor: The reason.}
        ---
        A startup with one model and a tiny budget.
        """,
}


def write_questions(root: Path) -> None:
    (root / "questions").mkdir(exist_ok=True)
    for slug, text in QUESTIONS.items():
        (root / "questions" / f"{slug}.md").write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "quizzes").mkdir(exist_ok=True)
    (root / "quizzes" / "every-kind.yaml").write_text(
        "slug: every-kind\ntitle: Every kind\nshuffle_questions: false\n"
        "questions: [pick-one, pick-many, true-or-false, match-them, put-in-order, scenario]\n",
        encoding="utf-8",
    )


def position(attempt: Any, slug: str) -> int:
    """Where `attempt` shows the question `slug` (1-based)."""
    return int(attempt.items.get(version__question__slug=slug).position)
