from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lapor.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("masuk/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("lapor.accounts.urls")),
    path("", include("lapor.agencies.urls")),
    path("", include("lapor.audit.urls")),
    path("monev/", include("lapor.monev.urls")),
    path("survei/", include("lapor.survey.urls")),
    path("", include("lapor.web.urls")),
]
