"""The question bank, quiz builder, coverage and tagging pages (namespace `quizzes_bank`)."""

from django.urls import path

from quizzes.authoring import bank

urlpatterns = [
    path("courses/<slug:course_slug>/questions/", bank.questions, name="questions"),
    path("courses/<slug:course_slug>/quizzes/", bank.quizzes, name="quizzes"),
    path("courses/<slug:course_slug>/quizzes/new/", bank.quiz_new, name="quiz_new"),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/", bank.quiz_edit, name="quiz_edit"),
    path("courses/<slug:course_slug>/rule-count/", bank.rule_count, name="rule_count"),
    path("courses/<slug:course_slug>/coverage/", bank.coverage, name="coverage"),
    path("courses/<slug:course_slug>/needs-tagging/", bank.needs_tagging, name="needs_tagging"),
]
