"""Account pages: sign-in with two factors, citizen sign-up and verification, password reset,
and agency admins' management of their agency's positions and users. Paths are Indonesian."""

from django.urls import path

app_name = "accounts"

urlpatterns: list = []
