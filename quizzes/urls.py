from django.urls import path

from quizzes import instructor_views, views

app_name = "quizzes"

urlpatterns = [
    path("courses/<slug:course_slug>/quizzes/", views.quiz_list, name="quiz_list"),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/", views.quiz_detail, name="quiz"),
    path("courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/start/", views.start, name="start"),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/results/",
        views.results,
        name="results",
    ),
    path(
        "courses/<slug:course_slug>/quizzes/<slug:quiz_slug>/accommodations/",
        instructor_views.accommodations,
        name="accommodations",
    ),
    path(
        "courses/<slug:course_slug>/gradebook.csv",
        instructor_views.gradebook_csv,
        name="gradebook",
    ),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/autosave/", views.autosave, name="autosave"),
    path("attempts/<int:attempt_id>/time-up/", views.time_up, name="time_up"),
    path("attempts/<int:attempt_id>/summary/", views.summary, name="summary"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="result"),
    path("my/attempts/", views.my_attempts, name="my_attempts"),
]
