from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"

    def ready(self) -> None:
        from courses.content import register_section
        from quizzes.content import QUIZ_SECTION

        register_section(QUIZ_SECTION)
