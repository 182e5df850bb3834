"""The question editor's pages, under /author/ in the `quizzes_author` namespace."""

from django.urls import path

from quizzes.authoring import questions

Q = "courses/<slug:course_slug>/questions/<slug:question_slug>"

urlpatterns = [
    path("courses/<slug:course_slug>/questions/new/", questions.question_new, name="question_new"),
    path(f"{Q}/", questions.question_edit, name="question_edit"),
    path(f"{Q}/preview/", questions.question_preview, name="question_preview"),
    path(f"{Q}/try/", questions.question_try, name="question_try"),
    path(f"{Q}/duplicate/", questions.question_duplicate, name="question_duplicate"),
    path(f"{Q}/status/", questions.question_status, name="question_status"),
    path(f"{Q}/history/", questions.question_history, name="question_history"),
]
