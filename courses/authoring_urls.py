"""Authoring pages of the courses app, under /author/ (namespace `courses_author`).

A concept's own pages end in a word (`edit/`, `history/`) so no concept slug can shadow
`new/`; the same goes for tags.
"""

from django.urls import path

from courses import authoring

urlpatterns = [
    path("", authoring.home, name="home"),
    path("courses/<slug:course_slug>/concepts/", authoring.concepts, name="concepts"),
    path("courses/<slug:course_slug>/concepts/new/", authoring.concept_new, name="concept_new"),
    path(
        "courses/<slug:course_slug>/concept-preview/",
        authoring.concept_preview,
        name="concept_preview",
    ),
    path(
        "courses/<slug:course_slug>/concept-search/",
        authoring.concept_search,
        name="concept_search",
    ),
    path(
        "courses/<slug:course_slug>/concepts/<slug:concept_slug>/edit/",
        authoring.concept_edit,
        name="concept_edit",
    ),
    path(
        "courses/<slug:course_slug>/concepts/<slug:concept_slug>/duplicate/",
        authoring.concept_duplicate,
        name="concept_duplicate",
    ),
    path(
        "courses/<slug:course_slug>/concepts/<slug:concept_slug>/history/",
        authoring.concept_history,
        name="concept_history",
    ),
    path("tags/", authoring.tags, name="tags"),
    path("tags/new/", authoring.tag_new, name="tag_new"),
    path("tags/<slug:tag_slug>/edit/", authoring.tag_edit, name="tag_edit"),
    path("tags/<slug:tag_slug>/merge/", authoring.tag_merge, name="tag_merge"),
    path("tags/<slug:tag_slug>/delete/", authoring.tag_delete, name="tag_delete"),
]
