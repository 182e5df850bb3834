from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("courses.urls")),
    path("", include("quizzes.urls")),
    path("author/", include(("courses.authoring_urls", "courses_author"))),
    path("author/", include(("quizzes.authoring.question_urls", "quizzes_author"))),
    path("author/", include(("quizzes.authoring.bank_urls", "quizzes_bank"))),
    path("insight/", include("insight.urls")),
]
