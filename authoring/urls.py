"""Every authoring page, under /author/ (namespace `authoring`): concepts and tags, the
question editor, the question bank, quiz builder, coverage and tagging pages.

A concept's own pages end in a word (`edit/`, `history/`) so no concept slug can shadow
`new/`; the same goes for tags.
"""

from django.urls import path

from authoring import bank, course_pages, questions

app_name = "authoring"

Q = "courses/<slug:course_slug>/questions/<slug:question_slug>"

urlpatterns = [
    path("", course_pages.home, name="home"),
    path("courses/<slug:course_slug>/concepts/", course_pages.concepts, name="concepts"),
    path("courses/<slug:course_slug>/concepts/new/", course_pages.concept_new, name="concept_new"),
    path(
        "courses/<slug:course_slug>/concept-preview/",
        course_pages.concept_preview,
        name="concept_preview",
    ),
    path(
        "courses/<slug:course_slug>/concept-search/",
        course_pages.concept_search,
        name="concept_search",
    ),
    path(
        "courses/<slug:course_slug>/concepts/<slug:concept_slug>/edit/",
        course_pages.concept_edit,
        name="concept_edit",
    ),
    path(
        "courses/<slug:course_slug>/concepts/<slug:concept_slug>/duplicate/",
        course_pages.concept_duplicate,
        name="concept_duplicate",
    ),
    path(
        "courses/<slug:course_slug>/concepts/<slug:concept_slug>/history/",
        course_pages.concept_history,
        name="concept_history",
    ),
    path("tags/", course_pages.tags, name="tags"),
    path("tags/new/", course_pages.tag_new, name="tag_new"),
    path("tags/<slug:tag_slug>/edit/", course_pages.tag_edit, name="tag_edit"),
    path("tags/<slug:tag_slug>/merge/", course_pages.tag_merge, name="tag_merge"),
    path("tags/<slug:tag_slug>/delete/", course_pages.tag_delete, name="tag_delete"),
    # the question editor
    path("courses/<slug:course_slug>/questions/new/", questions.question_new, name="question_new"),
    path(f"{Q}/", questions.question_edit, name="question_edit"),
    path(f"{Q}/preview/", questions.question_preview, name="question_preview"),
    path(f"{Q}/try/", questions.question_try, name="question_try"),
    path(f"{Q}/duplicate/", questions.question_duplicate, name="question_duplicate"),
    path(f"{Q}/status/", questions.question_status, name="question_status"),
    path(f"{Q}/history/", questions.question_history, name="question_history"),
    # the question bank, quiz builder, coverage and tagging
    path("courses/<slug:course_slug>/questions/", bank.questions, name="questions"),
    path("courses/<slug:course_slug>/quizzes/", bank.quizzes, name="quizzes"),
    path("courses/<slug:course_slug>/quizzes/new/", bank.quiz_new, name="quiz_new"),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/", bank.quiz_edit, name="quiz_edit"),
    path("courses/<slug:course_slug>/rule-count/", bank.rule_count, name="rule_count"),
    path("courses/<slug:course_slug>/coverage/", bank.coverage, name="coverage"),
    path("courses/<slug:course_slug>/needs-tagging/", bank.needs_tagging, name="needs_tagging"),
]
