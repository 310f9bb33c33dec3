from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "lapor.agencies"
    label = "agencies"
