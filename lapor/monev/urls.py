"""Monitoring pages: dashboards at every level, exports, evaluation records. Paths are Indonesian."""

from django.urls import path

app_name = "monev"

urlpatterns: list = []
