"""Who is calling the API: a bearer token (officials, signed-in citizens), an agency API
client's key (`lpc_…`, ADR 0036: the agency, within the client's scopes and rate), a guest
reporter's secret (X-Reporter-Secret), or nobody. Session cookies are not accepted here, so
the API needs no CSRF token and a browser session cannot be ridden by another site."""

from datetime import timedelta

from django.utils.translation import gettext as _

from lapor.accounts import clients
from lapor.accounts.actors import Actor
from lapor.accounts.models import ApiToken
from lapor.core import clock
from lapor.core.errors import DomainError, NotAllowed, RateLimited
from lapor.core.ratelimit import hit


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


def actor_from_request(request, *, require_user: bool = False, scope: str | None = None) -> Actor:
    """The caller. `scope`: what an API client needs to use the endpoint (None: no client may)."""
    header = request.headers.get("Authorization", "")
    secret = request.headers.get("X-Reporter-Secret") or None
    user = None
    if header:
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise Unauthenticated(_("Use the header “Authorization: Bearer <token>”."))
        if key.strip().startswith(clients.KEY_START):
            return _client_actor(key.strip(), scope)
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


def _client_actor(key: str, scope: str | None) -> Actor:
    client = clients.client_for_key(key)
    if client is None:
        raise Unauthenticated(_("The API key is not valid: unknown, expired or revoked."))
    if scope is None:
        raise NotAllowed(_("API clients may not use this endpoint."))
    if scope not in client.scope_set:
        raise NotAllowed(_("This API client's scopes do not include “%(scope)s”.") % {"scope": scope})
    if not hit(f"api-client:{client.pk}", client.rate_limit_per_minute):
        raise RateLimited(_("Too many requests from this API client; please wait a minute and try again."))
    return Actor.for_client(client)
