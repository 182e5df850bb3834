from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/answers/<int:answer_id>/", views.answer_view, name="answer"),
    path("review/regrades/<int:run_id>/", views.regrade_detail, name="regrade"),
]
