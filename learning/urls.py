from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("learn/settings/", views.learner_settings, name="settings"),
    path("learn/practice/<int:session_id>/next/", views.practice_next, name="practice_next"),
    path("learn/practice/<int:session_id>/done/", views.practice_done, name="practice_done"),
    path(
        "learn/practice/<int:session_id>/<int:position>/",
        views.practice_item,
        name="practice_item",
    ),
    path("learn/<slug:course_slug>/", views.course_progress, name="course"),
    path("learn/<slug:course_slug>/practice/", views.practice_start, name="practice_start"),
    path("learn/<slug:course_slug>/class/", views.class_table, name="class"),
]
