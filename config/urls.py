from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("courses.urls")),
    path("", include("quizzes.urls")),
    path("", include("learning.urls")),
    path("", include("review.urls")),
    path("author/", include("authoring.urls")),
    path("insight/", include("insight.urls")),
]
