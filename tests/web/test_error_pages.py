"""Error pages are Lapor's own, in the user's language, and say nothing about the failure."""

import pytest
from django.test import Client
from django.urls import include, path


def _boom(request):
    raise RuntimeError("secret internals: NIK 3578010101010001")


urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]


@pytest.mark.django_db
def test_not_found_page_is_ours_and_indonesian_by_default():
    page = Client().get("/tidak-ada/")
    assert page.status_code == 404
    html = page.content.decode()
    assert "Halaman tidak ditemukan" in html and 'lang="id"' in html


@pytest.mark.django_db
@pytest.mark.urls("tests.web.test_error_pages")
def test_server_error_page_says_nothing_about_the_failure():
    page = Client(raise_request_exception=False, headers={"Accept-Language": "en"}).get("/boom/")
    assert page.status_code == 500
    html = page.content.decode()
    assert "Something went wrong" in html
    assert "secret internals" not in html and "3578010101010001" not in html and "RuntimeError" not in html


@pytest.mark.django_db
def test_csrf_failure_page_explains_what_to_do():
    page = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"}).post("/lapor/", {"title": "x"})
    assert page.status_code == 403
    assert "The form has expired" in page.content.decode()
