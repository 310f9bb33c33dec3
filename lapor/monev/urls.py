"""Monitoring pages: dashboards at every level, exports, evaluation records. Paths are Indonesian."""

from django.urls import path

from . import evaluation_views, views

app_name = "monev"

urlpatterns: list = [
    # Dashboards (views.py); each table also as ?tabel=<key>&unduh=csv|xlsx; the agency's report as ?unduh=pdf.
    path("", views.index, name="index"),
    path("nasional/", views.national, name="national"),
    path("prioritas-nasional/", views.ksp, name="ksp"),
    path("ombudsman/", views.ombudsman, name="ombudsman"),
    path("provinsi/<str:code>/", views.province, name="province"),
    path("koordinator/<slug:code>/", views.coordinator, name="coordinator"),
    path("instansi/<slug:code>/", views.agency, name="agency"),
    path("instansi/<slug:code>/laporan-terbuka/", views.open_reports, name="open_reports"),
    # Evaluation records (evaluation_views.py, ADR 0017); each list and record also as unduh.csv|xlsx (ADR 0020).
    path("evaluasi/tinjauan/", evaluation_views.reviews, name="evaluation_reviews"),
    path("evaluasi/tinjauan/unduh.<slug:fmt>", evaluation_views.reviews_export, name="evaluation_reviews_export"),
    path("evaluasi/tinjauan/<int:review_id>/", evaluation_views.review, name="evaluation_review"),
    path("evaluasi/tinjauan/<int:review_id>/unduh.<slug:fmt>", evaluation_views.review_export, name="evaluation_review_export"),
    path("evaluasi/preventif/", evaluation_views.preventive, name="evaluation_preventive"),
    path("evaluasi/preventif/unduh.<slug:fmt>", evaluation_views.preventive_export, name="evaluation_preventive_export"),
    path("evaluasi/preventif/<int:action_id>/status/", evaluation_views.preventive_status, name="evaluation_preventive_status"),
    path("evaluasi/rencana-aksi/", evaluation_views.plans, name="evaluation_plans"),
    path("evaluasi/rencana-aksi/unduh.<slug:fmt>", evaluation_views.plans_export, name="evaluation_plans_export"),
    path("evaluasi/rencana-aksi/<int:plan_id>/", evaluation_views.plan, name="evaluation_plan"),
    path("evaluasi/rencana-aksi/<int:plan_id>/unduh.<slug:fmt>", evaluation_views.plan_export, name="evaluation_plan_export"),
    path("evaluasi/rencana-aksi/butir/<int:item_id>/", evaluation_views.plan_item, name="evaluation_plan_item"),
    path("evaluasi/peringkat/", evaluation_views.ranking_page, name="evaluation_ranking"),
]
