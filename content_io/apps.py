from django.apps import AppConfig


class ContentIoConfig(AppConfig):
    """The course as files, questions and quizzes included: `import_content`, `export_content`."""

    name = "content_io"
