from django.urls import path
from django.views.generic import RedirectView

from . import attachments, feed, inbox, landing, notices, ombudsman, responses, statistics, submission, views

app_name = "web"

# Paths are Indonesian because citizens read and share them.
urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", submission.submit, name="submit"),
    path("lapor/terkirim/<str:tracking_number>/", submission.submitted, name="submitted"),
    path("wilayah/", submission.regions, name="regions"),
    path("kategori/", submission.categories, name="categories"),
    path("instansi/", submission.agency_suggestions, name="agency_suggestions"),
    path("lacak/", views.track_lookup, name="track_lookup"),
    path("lacak/<str:tracking_number>/", views.track, name="track"),
    path("laporan/", feed.feed, name="feed"),
    path("statistik/", statistics.statistics, name="statistics"),
    path("laporan-saya/", views.my_reports, name="my_reports"),
    path("pemberitahuan/", inbox.notifications, name="notifications"),
    path("ruang-kerja/", landing.landing, name="landing"),
    path("lacak/<str:tracking_number>/dukung/", feed.support, name="support"),
    path("lacak/<str:tracking_number>/berhenti/<str:token>/", notices.stop, name="notices_stop"),
    path("lacak/<str:tracking_number>/<str:action>/", views.reporter_action, name="reporter_action"),
    path("lacak/<str:tracking_number>/lampiran/<int:attachment_id>/", attachments.track_attachment, name="track_attachment"),
    path("lacak/<str:tracking_number>/lampiran/<int:attachment_id>/gambar-kecil/", attachments.track_thumbnail, name="track_thumbnail"),
    path("petugas/", views.queue, name="queue"),
    path("petugas/massal/", views.bulk_action, name="bulk_action"),
    path("petugas/tampilan/", views.saved_view, name="saved_view"),
    path("petugas/templat/", responses.response_templates, name="response_templates"),
    path("petugas/ombudsman/", ombudsman.ombudsman, name="ombudsman"),
    # The hand-over page moved into the positions-and-accounts page (lapor/accounts/views/manage.py).
    path("petugas/jabatan/", RedirectView.as_view(pattern_name="accounts:manage", permanent=True), name="positions"),
    path("petugas/laporan/<str:tracking_number>/", views.officer_report, name="officer_report"),
    path("petugas/laporan/<str:tracking_number>/aksi/<str:action>/", views.officer_action, name="officer_action"),
    path("petugas/laporan/<str:tracking_number>/lampiran/<int:attachment_id>/", views.officer_attachment, name="officer_attachment"),
]
