from django.urls import path

from review import group_views, student_views, views

app_name = "review"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/answers/<int:answer_id>/", views.answer_view, name="answer"),
    path("review/answers/<int:answer_id>/groups/", group_views.part_groups, name="groups"),
    path("review/answers/<int:answer_id>/group/", group_views.group_view, name="group"),
    path("review/agreement/", views.agreement_view, name="agreement"),
    path("review/regrades/<int:run_id>/", views.regrade_detail, name="regrade"),
    path(
        "my-answers/<int:answer_id>/regrade-request/",
        student_views.request_regrade,
        name="request_regrade",
    ),
    path("my-regrade-requests/", student_views.my_requests, name="my_requests"),
    path("notifications/", student_views.notifications, name="notifications"),
]
