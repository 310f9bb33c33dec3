"""Login throttling: five failures for one username from one address lock that pair out."""

from django.test import Client


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post("/masuk/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_from_that_address(world):
    client = Client()
    for _ in range(4):
        assert attempt(client, "disdik", "salah").status_code == 200  # the form again, with its error
    locked = attempt(client, "disdik", "salah")
    assert locked.status_code == 429
    # Even the right password is refused while the lock lasts, and no session is opened.
    right = attempt(client, "disdik", "pass-disdik")
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # Another address, or another account, is not affected.
    assert attempt(Client(), "disdik", "pass-disdik", ip="10.0.0.2").status_code == 302
    assert attempt(Client(), "cityadmin", "pass-cityadmin").status_code == 302


def test_a_successful_sign_in_resets_the_count(world):
    client = Client()
    for _ in range(4):
        attempt(client, "disdik", "salah")
    assert attempt(client, "disdik", "pass-disdik").status_code == 302
    for _ in range(4):
        assert attempt(Client(), "disdik", "salah").status_code == 200
