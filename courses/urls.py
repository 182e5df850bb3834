from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("tags/<slug:tag_slug>/", views.tag_detail, name="tag"),
    path("courses/<slug:course_slug>/", views.course_detail, name="course"),
    path("courses/<slug:course_slug>/graph/", views.course_graph, name="course_graph"),
    path(
        "courses/<slug:course_slug>/chapters/<slug:chapter_slug>/",
        views.chapter_detail,
        name="chapter",
    ),
    path(
        "courses/<slug:course_slug>/concepts/<slug:concept_slug>/",
        views.concept_detail,
        name="concept",
    ),
    path(
        "courses/<slug:course_slug>/concepts/<slug:concept_slug>/graph/",
        views.concept_graph,
        name="concept_graph",
    ),
]
