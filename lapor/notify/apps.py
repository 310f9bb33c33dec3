from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "lapor.notify"
    label = "notify"
