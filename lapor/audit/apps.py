from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lapor.audit"
    label = "audit"
