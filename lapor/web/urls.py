from django.urls import path

from . import feed, views

app_name = "web"

# Paths are Indonesian because citizens read and share them.
urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", views.submit, name="submit"),
    path("wilayah/", views.regions, name="regions"),
    path("lacak/", views.track_lookup, name="track_lookup"),
    path("lacak/<str:tracking_number>/", views.track, name="track"),
    path("laporan/", feed.feed, name="feed"),
    path("laporan-saya/", views.my_reports, name="my_reports"),
    path("lacak/<str:tracking_number>/dukung/", feed.support, name="support"),
    path("lacak/<str:tracking_number>/<str:action>/", views.reporter_action, name="reporter_action"),
    path("petugas/", views.queue, name="queue"),
    path("petugas/jabatan/", views.positions, name="positions"),
    path("petugas/laporan/<str:tracking_number>/", views.officer_report, name="officer_report"),
    path("petugas/laporan/<str:tracking_number>/aksi/<str:action>/", views.officer_action, name="officer_action"),
    path("petugas/laporan/<str:tracking_number>/lampiran/<int:attachment_id>/", views.officer_attachment, name="officer_attachment"),
]
