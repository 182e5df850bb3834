"""Links from course pages to their quizzes, so `courses` needs no knowledge of `quizzes`."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from courses.models import Chapter
from quizzes.models import Quiz

register = template.Library()


@register.simple_tag
def chapter_quizzes(chapter: Chapter) -> SafeString:
    quizzes = Quiz.objects.filter(chapter=chapter).select_related("course").order_by("title")
    links = format_html_join(
        " ",
        '<a class="button" href="{}">{}</a>',
        ((q.get_absolute_url(), q.title) for q in quizzes),
    )
    return format_html('<p class="quiz-links">{}</p>', links) if quizzes else SafeString("")
