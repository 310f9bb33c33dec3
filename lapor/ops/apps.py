from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "lapor.ops"
    label = "ops"
