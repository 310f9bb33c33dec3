from django.urls import path

from . import views

app_name = "survey"

# Paths are Indonesian because citizens read and share them.
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:survey_id>/", views.answer, name="answer"),
    path("<int:survey_id>/terima-kasih/", views.thanks, name="thanks"),
    path("<int:survey_id>/hasil/", views.results, name="results"),
    # The results as files: ringkasan (per question) or jawaban (responses, no identity); csv or xlsx.
    path("<int:survey_id>/hasil/<slug:table>.<slug:fmt>", views.results_export, name="results_export"),
]
