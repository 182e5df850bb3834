"""Instructor insight pages (namespace `insight`)."""

from django.urls import path

from insight import views

app_name = "insight"

urlpatterns = [
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/statistics/",
        views.quiz_statistics,
        name="quiz",
    ),
]
