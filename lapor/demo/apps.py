from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set and its commands (`load_demo`, `demo_totp`); no models."""

    name = "lapor.demo"
    label = "demo"
