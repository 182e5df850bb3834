from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.actions import remember_time_zone
        from accounts.roles import ensure_groups

        post_migrate.connect(ensure_groups, dispatch_uid="accounts.ensure_groups")
        user_logged_in.connect(remember_time_zone, dispatch_uid="accounts.remember_time_zone")
