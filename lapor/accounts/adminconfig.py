"""Django's admin, installed with a site that also requires two-factor sign-in. A module of its
own: Django picks an app's default configuration from apps.py, where a second AppConfig
(this one inherits `default = True`) would be ambiguous."""

from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    """In INSTALLED_APPS in place of "django.contrib.admin"; the site is
    lapor.accounts.twofactor.VerifiedAdminSite."""

    default_site = "lapor.accounts.twofactor.VerifiedAdminSite"
