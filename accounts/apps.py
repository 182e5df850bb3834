from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from accounts.roles import ensure_groups

        post_migrate.connect(ensure_groups, dispatch_uid="accounts.ensure_groups")
