from django.apps import AppConfig


class RollupsConfig(AppConfig):
    name = "lapor.rollups"
    label = "rollups"
