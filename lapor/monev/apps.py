from django.apps import AppConfig


class MonevConfig(AppConfig):
    name = "lapor.monev"
    label = "monev"
