from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lapor.accounts.models import ApiToken, User


@pytest.mark.django_db
def test_issue_api_token_prints_a_key_that_authenticates(client):
    User.objects.create_user(username="integrasi", password="x")
    out = StringIO()
    call_command("issue_api_token", "integrasi", "Aplikasi Sapa Warga", stdout=out)
    key = out.getvalue().strip()
    assert key.startswith("lpr_") and ApiToken.objects.get().key_hash == ApiToken.hash_key(key)
    response = client.get("/api/v1/reports", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.django_db
def test_issue_api_token_for_an_unknown_user_fails():
    with pytest.raises(CommandError):
        call_command("issue_api_token", "tidak-ada", "x")
    assert ApiToken.objects.count() == 0
