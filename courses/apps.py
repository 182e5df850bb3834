from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair_search_index(using: str = "default", **kwargs: Any) -> None:
    from courses.search import repair_sqlite_index

    repair_sqlite_index(using)


class CoursesConfig(AppConfig):
    name = "courses"

    def ready(self) -> None:
        # A later migration that alters Concept on SQLite drops the search triggers.
        post_migrate.connect(_repair_search_index, sender=self)
        from courses import graphcache

        graphcache.connect()  # chapters, concepts and links changed raise the graph version
