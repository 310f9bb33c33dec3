"""Who is calling the API: a bearer token (officials, integrators, signed-in citizens), a guest
reporter's secret (X-Reporter-Secret), or nobody. Session cookies are not accepted here, so
the API needs no CSRF token and a browser session cannot be ridden by another site."""

from datetime import timedelta

from django.utils.translation import gettext as _

from lapor.accounts.models import ApiToken
from lapor.core import clock
from lapor.core.errors import DomainError
from lapor.accounts.actors import Actor


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


def actor_from_request(request, *, require_user: bool = False) -> Actor:
    header = request.headers.get("Authorization", "")
    secret = request.headers.get("X-Reporter-Secret") or None
    user = None
    if header:
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise Unauthenticated(_("Use the header “Authorization: Bearer <token>”."))
        token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(key.strip())).first()
        if token is None or not token.user.is_active:
            raise Unauthenticated(_("The API token is not valid."))
        user = token.user
        now = clock.now()
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            # Coarse on purpose: one write per token every few minutes, not one per request.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if require_user and user is None:
        raise Unauthenticated(_("Sign in with an API token to use this endpoint."))
    return Actor.for_user(user, reporter_secret=secret)
