import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/lapor/", "/lacak/", "/masuk/", "/api/v1/docs", "/api/v1/openapi.json"])
def test_strict_content_security_policy_and_secure_headers(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_pages_have_no_inline_scripts_or_styles(client):
    for path in ("/", "/lapor/", "/lacak/", "/masuk/"):
        html = client.get(path).content.decode()
        assert "<script>" not in html and " style=" not in html and "<style" not in html, path


@pytest.mark.django_db
def test_a_sign_in_lasts_twelve_hours_and_its_cookie_is_http_only(world):
    from django.test import Client

    client = Client()
    page = client.post("/masuk/", {"username": "warga", "password": "pass-warga"})
    assert page.status_code == 302
    cookie = client.cookies["sessionid"]
    assert cookie["max-age"] == 12 * 3600 and cookie["httponly"] and cookie["samesite"] == "Lax"
