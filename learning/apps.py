from django.apps import AppConfig


class LearningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learning"
    verbose_name = "Learner model"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from courses.models import Concept, Prerequisite
        from learning import receivers
        from quizzes.signals import attempt_graded

        attempt_graded.connect(receivers.on_attempt_graded, dispatch_uid="learning.attempt_graded")
        post_delete.connect(
            receivers.on_concept_deleted, sender=Concept, dispatch_uid="learning.concept_deleted"
        )
        post_save.connect(
            receivers.on_edge_changed, sender=Prerequisite, dispatch_uid="learning.edge_saved"
        )
        post_delete.connect(
            receivers.on_edge_changed, sender=Prerequisite, dispatch_uid="learning.edge_deleted"
        )
