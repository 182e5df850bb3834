"""Answers per second of the default free-text grader on one core.

    .venv/bin/python bench/grader_speed.py [--answers 5000] [--seed 7]

The answers are synthetic, built here from a small vocabulary around one rubric with three
criteria (one with a misconception and one with argues_for), 5-60 words each, with shuffled
key phrases, misspellings, negations and off-topic filler. The target is >= 500 answers/s.
The first pass (rubric compilation and cold caches) is timed separately from the steady state.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grading.freetext import grade
from grading.rubric import rubric_from_dict

RUBRIC = {
    "model_answers": [
        "Steering one pre-trained model with instructions needs no additional training run, so "
        "the weights stay unchanged and the startup saves the cost of fine-tuning two models."
    ],
    "criteria": [
        {
            "id": "advantage",
            "title": "Names the advantage",
            "key_ideas": [
                {
                    "id": "no-retraining",
                    "phrasings": [
                        "no additional training",
                        "without retraining the model",
                        "weights stay unchanged",
                    ],
                },
                {
                    "id": "cost",
                    "phrasings": ["saves the cost", "cheaper to run", "lower compute cost"],
                },
                {
                    "id": "one-model",
                    "phrasings": ["one model for both tasks", "a single model", "only one model"],
                },
            ],
            "misconceptions": [
                {
                    "id": "prompt-changes-weights",
                    "phrasings": ["prompting updates the weights"],
                    "effect": "cap",
                    "level": 0,
                }
            ],
            "levels": [
                {"points": 0, "descriptor": "No advantage."},
                {"points": 1, "descriptor": "One advantage.", "min_ideas": 1},
                {"points": 2, "descriptor": "Explained in context.", "min_ideas": 2},
            ],
        },
        {
            "id": "consistency",
            "title": "Argues for the option chosen",
            "argues_for": {"part": "choice", "option": "b"},
            "key_ideas": [
                {"id": "instructions", "phrasings": ["detailed instructions", "prompt engineering"]}
            ],
            "levels": [
                {"points": 0, "descriptor": "Does not argue for B."},
                {"points": 1, "descriptor": "Argues for B.", "min_ideas": 1},
            ],
        },
        {
            "id": "risk",
            "title": "Names a risk",
            "key_ideas": [
                {"id": "context-limit", "phrasings": ["context window limit", "long prompts"]},
                {"id": "quality", "phrasings": ["lower quality than fine-tuning", "less accurate"]},
            ],
            "levels": [
                {"points": 0, "descriptor": "No risk."},
                {"points": 1, "descriptor": "A risk.", "min_ideas": 1},
                {"points": 2, "descriptor": "Two risks.", "min_ideas": 2},
            ],
        },
    ],
}

PHRASES = [
    "no additional training is needed",
    "the weights stay the same",
    "it does not need retraining",
    "retraining is not required",
    "it saves the cost of training",
    "it is cheaper to run one model",
    "a single model serves both tasks",
    "detailed instructions steer the model",
    "prompt engineering is enough",
    "long prompts hit the context window limit",
    "the answers may be less accurate",
    "prompting updates the weights",
    "the model learns from the prompt",
]
FILLER_TEXT = (
    "because so the team startup would should can it this that then also we they product users "
    "data quickly easily better plan choose option engineer two tasks summarise translate email "
    "customer support budget time deadline server cloud"
)
FILLER = FILLER_TEXT.split()


def misspell(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def make_answers(n: int, seed: int) -> list[tuple[str, dict[str, str]]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts: list[str] = []
        for _ in range(rng.randint(0, 4)):
            words = rng.choice(PHRASES).split()
            if rng.random() < 0.2:
                words = [misspell(w, rng) for w in words]
            parts.append(" ".join(words))
            parts.append(" ".join(rng.choice(FILLER) for _ in range(rng.randint(1, 8))))
        if not parts:
            parts.append(" ".join(rng.choice(FILLER) for _ in range(rng.randint(5, 25))))
        text = ". ".join(parts).capitalize() + "."
        out.append((text, {"choice": rng.choice("ab")}))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--answers", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    rubric = rubric_from_dict(RUBRIC)
    answers = make_answers(args.answers, args.seed)
    words = sum(len(a.split()) for a, _ in answers) / len(answers)

    t0 = time.perf_counter()
    grade(rubric, answers[0][0], answers[0][1])
    first = time.perf_counter() - t0

    t0 = time.perf_counter()
    total = 0.0
    for text, choices in answers:
        total += grade(rubric, text, choices).score
    elapsed = time.perf_counter() - t0
    rate = len(answers) / elapsed
    print(f"answers: {len(answers)} synthetic, {words:.0f} words on average, 3 criteria")
    print(f"first answer (compiles the rubric): {first * 1000:.1f} ms")
    print(f"steady state: {rate:,.0f} answers/s on one core ({elapsed:.2f} s)")
    print("target >= 500 answers/s:", "met" if rate >= 500 else "NOT met")
    return 0 if rate >= 500 else 1


if __name__ == "__main__":
    raise SystemExit(main())
