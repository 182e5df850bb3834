from django.contrib.admin.apps import AdminConfig


class StepwiseAdminConfig(AdminConfig):
    """django.contrib.admin with the site of config/admin.py (the Admin role only)."""

    default_site = "config.admin.StepwiseAdminSite"
