"""Sign in with the username, the e-mail address or the phone number, in the one username field.

Listed after django-axes' backend (settings.AUTHENTICATION_BACKENDS), so a lockout still refuses
the attempt first; axes counts failures per typed value and address."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import contacts


class UsernameEmailOrPhoneBackend(ModelBackend):
    """Django's ModelBackend, with the account found by username first, then by e-mail address
    (any case) or phone number (08…, 62…, +62…). An e-mail or phone shared by several active
    accounts signs nobody in: it is ambiguous, and the username still works."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = self.find_user(username)
        if user is None:
            # Hash anyway, so that an unknown identifier takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def find_user(identifier: str):
        User = get_user_model()
        try:
            return User._default_manager.get_by_natural_key(identifier)
        except User.DoesNotExist:
            pass
        parsed = contacts.looks_like_identifier(identifier)
        if parsed is None:
            return None
        return contacts.active_holder(*parsed)
