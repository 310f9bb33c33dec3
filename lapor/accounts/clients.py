"""Agency API clients (ADR 0036): an agency's own application calling the API as that agency.

- Created by the agency's admins for their agency (a unit's for the unit) and by the national
  desk for any agency, or by `manage.py api_client create`; the key is shown once, only its hash
  and a prefix (to tell keys apart) are kept.
- Scopes (`ApiClient.Scope`) say what it may do; an expiry on every key (365 days by default);
  rotation adds a key and lets the old ones work for an overlap (24 hours by default) so the
  application can switch without a gap; revocation stops every key at once.
- A request with a client's key acts as the agency (`Actor.for_client`): it sees exactly what the
  agency's admins see. Its rate is limited per client; its last use is kept (coarsely).
Every change to a client is audited."""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from lapor.agencies.models import Agency
from lapor.audit.models import AuditEntry
from lapor.audit.services import audit_record
from lapor.core import clock
from lapor.core.errors import Conflict, InvalidInput, NotAllowed, NotFound

from .models import ApiClient, ApiClientKey, Role

KEY_START = "lpc_"
DEFAULT_DAYS = 365
ROTATION_OVERLAP = timedelta(hours=24)
LAST_USE_GRAIN = timedelta(minutes=5)  # one write per client every few minutes, not one per request
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key(client: ApiClient, days: int) -> str:
    """A new key of `client`: "lpc_" + 8 characters (its prefix, kept) + "_" + 43 secret ones."""
    now = clock.now()
    prefix = KEY_START + "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(8))
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    ApiClientKey.objects.create(client=client, prefix=prefix, key_hash=_hash(key), created_at=now,
                                expires_at=now + timedelta(days=days))
    return key


def may_manage(actor, agency: Agency) -> bool:
    """The national desk manages every agency's clients; an agency admin its own agency's and
    its units'; the system (the management command) all."""
    if actor.system or actor.has_role(Role.NATIONAL_ADMIN):
        return True
    return any(p.agency_id in (agency.pk, agency.parent_id) for p in actor.positions_with(Role.AGENCY_ADMIN))


def clients_managed_by(actor):
    """The clients this actor manages, newest agency first by name (see `may_manage`)."""
    found = ApiClient.objects.select_related("agency").prefetch_related("keys").order_by("agency__name", "name")
    if actor.system or actor.has_role(Role.NATIONAL_ADMIN):
        return found
    own = {p.agency_id for p in actor.positions_with(Role.AGENCY_ADMIN)}
    return found.filter(Q(agency_id__in=own) | Q(agency__parent_id__in=own))


def agencies_for_clients(actor) -> list[Agency]:
    """The agencies an agency admin may create clients for (their agency and its units); the
    national desk names any agency by its code instead (an empty list)."""
    if actor.system or actor.has_role(Role.NATIONAL_ADMIN):
        return []
    own = {p.agency_id for p in actor.positions_with(Role.AGENCY_ADMIN)}
    return list(Agency.objects.filter(Q(pk__in=own) | Q(parent_id__in=own), is_active=True).order_by("parent_id", "name"))


def clean_scopes(scopes) -> str:
    values = [s.strip() for s in (scopes.split(",") if isinstance(scopes, str) else scopes) if s.strip()]
    unknown = [s for s in values if s not in ApiClient.Scope.values]
    if not values or unknown:
        raise InvalidInput(_("Scopes are one or more of: %(scopes)s.") % {"scopes": ", ".join(ApiClient.Scope.values)},
                           field="scopes")
    return ",".join(sorted(set(values)))


def _days(days: int) -> int:
    if not 1 <= days <= 3 * 365:
        raise InvalidInput(_("A key lasts 1 to 1,095 days."), field="expires_days")
    return days


def client_create(*, actor, agency_code: str, name: str, scopes, expires_days: int = DEFAULT_DAYS,
                  rate_limit_per_minute: int = 600) -> tuple[ApiClient, str]:
    """A new client of the agency and its first key (returned once)."""
    agency = Agency.objects.filter(code=agency_code, is_active=True).first()
    if agency is None:
        raise NotFound(_("There is no agency with the code “%(code)s”.") % {"code": agency_code[:60]})
    if not may_manage(actor, agency):
        raise NotAllowed(_("Only the agency's admins and the national desk manage its API clients."))
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise InvalidInput(_("The name must be 1 to 100 characters."), field="name")
    if not 1 <= rate_limit_per_minute <= 100_000:
        raise InvalidInput(_("The limit is 1 to 100,000 requests a minute."), field="rate_limit_per_minute")
    scopes, days = clean_scopes(scopes), _days(expires_days)
    try:
        with transaction.atomic():
            client = ApiClient.objects.create(agency=agency, name=name, scopes=scopes, created_at=clock.now(),
                                              rate_limit_per_minute=rate_limit_per_minute,
                                              created_by=actor.user if actor.user_id else None)
            key = _new_key(client, days)
            audit_record(kind=AuditEntry.Kind.API_CLIENT_CREATED, actor=actor, agency=agency,
                         client=client.pk, name=name, scopes=scopes)
    except IntegrityError:
        raise Conflict(_("The agency already has a client with this name."), code="duplicate_name") from None
    return client, key


def _managed(actor, client_id: int) -> ApiClient:
    client = ApiClient.objects.select_related("agency").filter(pk=client_id).first()
    if client is None or not may_manage(actor, client.agency):
        raise NotFound(_("There is no such API client."))
    return client


def client_rotate(*, actor, client_id: int, overlap: timedelta = ROTATION_OVERLAP, expires_days: int = DEFAULT_DAYS) -> str:
    """A new key for the client (returned once); its other keys keep working for `overlap`."""
    with transaction.atomic():
        client = _managed(actor, client_id)
        if client.revoked_at is not None:
            raise Conflict(_("This API client is revoked."), code="revoked")
        until = clock.now() + overlap
        ApiClientKey.objects.filter(client=client, expires_at__gt=until).update(expires_at=until)
        key = _new_key(client, _days(expires_days))
        audit_record(kind=AuditEntry.Kind.API_CLIENT_ROTATED, actor=actor, agency=client.agency, client=client.pk,
                     overlap_hours=round(overlap.total_seconds() / 3600, 2))
    return key


def client_revoke(*, actor, client_id: int) -> ApiClient:
    """Stop every key of the client at once (kept, for the record)."""
    with transaction.atomic():
        client = _managed(actor, client_id)
        if client.revoked_at is None:
            client.revoked_at = clock.now()
            ApiClient.objects.filter(pk=client.pk).update(revoked_at=client.revoked_at)
            audit_record(kind=AuditEntry.Kind.API_CLIENT_REVOKED, actor=actor, agency=client.agency, client=client.pk)
    return client


def client_for_key(key: str) -> ApiClient | None:
    """The client a key belongs to, if the key is one of ours, not expired, and the client not
    revoked and its agency active; its last use noted."""
    if not key.startswith(KEY_START):
        return None
    now = clock.now()
    found = (ApiClientKey.objects.select_related("client__agency")
             .filter(key_hash=_hash(key), expires_at__gt=now, client__revoked_at__isnull=True,
                     client__agency__is_active=True).first())
    if found is None:
        return None
    client = found.client
    if client.last_used_at is None or now - client.last_used_at > LAST_USE_GRAIN:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client
