from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("petugas/audit/", views.entries, name="entries"),
    path("petugas/audit/peralihan/", views.transitions, name="transitions"),
    path("petugas/audit/unduh.csv", views.export, name="export"),
]
