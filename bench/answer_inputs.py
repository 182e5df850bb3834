"""What drawing the answer inputs of a 20-question page costs: each part's plain template
(`templates/quizzes/parts/<kind>.html`, driven by the typed part) against Django's form renderer
drawing the same fields with the widgets the page used before (one template per widget), in the
same run. Prints the median and p95 per page.

    DEBUG=false .venv/bin/python bench/answer_inputs.py [--questions 20] [--rounds 60]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import django_for_bench, summary

RUBRIC = {
    "model_answers": ["Attention weighs every earlier token when predicting the next one."],
    "criteria": [
        {
            "id": "attention",
            "title": "Names attention",
            "key_ideas": [{"id": "attn", "phrasings": ["attention"]}],
            "levels": [{"points": 0, "descriptor": "Absent"}, {"points": 2, "descriptor": "Named"}],
        }
    ],
}


def _parts(n: int) -> list[dict[str, object]]:
    """Six kinds in turn, each about language models (our own example text)."""
    options = [
        {"id": f"o{i}", "text": f"Option {i} about tokenisers", "correct": i == 0} for i in range(4)
    ]
    kinds: list[dict[str, object]] = [
        {"id": "p", "kind": "single", "prompt": "Which step splits text?", "options": options},
        {
            "id": "p",
            "kind": "multiple",
            "prompt": "Which steps change weights?",
            "options": [{**o, "correct": o["id"] in ("o0", "o1")} for o in options],
        },
        {
            "id": "p",
            "kind": "true_false",
            "prompt": "Prompting changes the weights.",
            "options": [
                {"id": "true", "text": "True", "correct": False},
                {"id": "false", "text": "False", "correct": True},
            ],
        },
        {
            "id": "p",
            "kind": "matching",
            "prompt": "Match each stage to what it does.",
            "pairs": [
                {"id": f"m{i}", "left": f"Stage {i}", "right": f"Effect {i}"} for i in range(4)
            ],
            "distractors": ["Deletes the model"],
        },
        {
            "id": "p",
            "kind": "ordering",
            "prompt": "Order the stages.",
            "items": [{"id": f"s{i}", "text": f"Stage {i}"} for i in range(4)],
        },
        {"id": "p", "kind": "free_text", "prompt": "Explain attention.", "rubric": RUBRIC},
    ]
    return [kinds[i % len(kinds)] for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        django_for_bench(Path(tmp))
        run(args.questions, args.rounds)


def run(questions: int, rounds: int) -> None:
    import random
    from collections.abc import Callable

    from django import forms
    from django.template.loader import get_template

    from quizzes.forms import ItemForm
    from quizzes.models import AttemptItem, QuestionVersion

    old_widgets: dict[str, Callable[[], forms.Widget]] = {
        "single": forms.RadioSelect,
        "true_false": forms.RadioSelect,
        "multiple": forms.CheckboxSelectMultiple,
        "matching": forms.Select,
        "ordering": lambda: forms.NumberInput(attrs={"inputmode": "numeric"}),
        "free_text": lambda: forms.Textarea(attrs={"rows": 6}),
    }
    items = []
    for n, part in enumerate(_parts(questions), start=1):
        version = QuestionVersion(pk=n, title=f"Q{n}", stem="", bloom=2, parts=[part])
        typed = version.typed_parts[0]
        order = {typed.id: typed.shown_order(random.Random(n), shuffle=True)}
        items.append(AttemptItem(version=version, position=n, order=order))
    template = get_template("quizzes/_part.html")

    def plain() -> None:
        for item in items:
            form = ItemForm(item, {})
            for part in item.version.typed_parts:
                template.render({"entry": {"part": part}, "controls": form.controls(part.id)})

    def widgets() -> None:
        for item in items:
            form = ItemForm(item, {})
            for part in item.version.typed_parts:
                for name, field in form.fields.items():
                    widget = old_widgets[part.kind]()
                    widget.choices = getattr(field, "choices", [])  # type: ignore[attr-defined]
                    widget.attrs.update(field.widget_attrs(widget))
                    field.widget = widget
                    str(form[name])

    for name, fn in (("plain part templates", plain), ("Django widget templates", widgets)):
        fn()  # warm the template cache
        ms = []
        for _ in range(rounds):
            start = time.perf_counter()
            fn()
            ms.append((time.perf_counter() - start) * 1000)
        print(f"{questions} questions, {name:26s} {summary(ms)}")


if __name__ == "__main__":
    main()
