from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "lapor.notices"
    label = "notices"
