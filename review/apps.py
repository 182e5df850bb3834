from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "Review"

    def ready(self) -> None:
        from quizzes.signals import free_text_awaiting, rubrics_changed
        from review import receivers

        free_text_awaiting.connect(receivers.enqueue_grading, dispatch_uid="review.grading")
        rubrics_changed.connect(receivers.enqueue_regrades, dispatch_uid="review.regrades")
