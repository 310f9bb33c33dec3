from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("petugas/instansi/sk/", views.decrees, name="decrees"),
    path("petugas/instansi/sk/<int:decree_id>/berkas/", views.decree_file, name="decree_file"),
    path("petugas/instansi/sk/<int:decree_id>/cabut/", views.decree_revoke, name="decree_revoke"),
]
