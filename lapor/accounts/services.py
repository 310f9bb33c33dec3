"""Writers for positions and officials' accounts. Work belongs to positions: handing a position to
another person moves its queue at once (queues are computed from positions), while past events
keep who acted.

Who manages what: the national desk every position and account; an agency admin the liaison and
auditor positions of their agency and its nested units, and the accounts of the people whose
positions all lie there (ADR 0012). Every write checks that first, runs in one transaction and
leaves an audit entry; a refusal raises before anything is written."""

from __future__ import annotations

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lapor.agencies.models import Agency
from lapor.agencies.selectors import agency_and_units
from lapor.audit.models import AuditEntry
from lapor.audit.services import audit_record
from lapor.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from lapor.notify.models import PhoneChannel

from .actors import Actor
from .models import Position, Role, User
from .page_access import Page, allows
from .verification import send_password_code

# Roles each kind of manager may create positions for. National-admin and supervisor posts
# (coordinators, KSP, Ombudsman, operators) are set up by the platform operator in the Django admin.
CREATABLE_ROLES = {
    Role.NATIONAL_ADMIN: (Role.AGENCY_ADMIN, Role.LIAISON_OFFICER, Role.AUDITOR),
    Role.AGENCY_ADMIN: (Role.LIAISON_OFFICER, Role.AUDITOR),
}


def may_manage(actor) -> bool:
    """Whether the actor may open the positions-and-users page at all."""
    return allows(actor, Page.MANAGE)


def managed_agencies(actor) -> set[int] | None:
    """Ids of the agencies (and nested units) whose positions this actor manages; None means all."""
    if actor.has_role(Role.NATIONAL_ADMIN):
        return None
    agencies: set[int] = set()
    for position in actor.positions_with(Role.AGENCY_ADMIN):
        agencies |= agency_and_units({position.agency_id})
    return agencies


def creatable_roles(actor) -> list[str]:
    if actor.has_role(Role.NATIONAL_ADMIN):
        return list(CREATABLE_ROLES[Role.NATIONAL_ADMIN])
    if actor.has_role(Role.AGENCY_ADMIN):
        return list(CREATABLE_ROLES[Role.AGENCY_ADMIN])
    return []


def _acting_position(actor):
    """The position through which the actor manages (recorded on the audit entry)."""
    for role in (Role.NATIONAL_ADMIN, Role.AGENCY_ADMIN):
        found = actor.positions_with(role)
        if found:
            return found[0]
    return None


def positions_managed_by(actor):
    """Positions this actor may hand over: everywhere for the national desk; for an agency admin,
    the positions of their agency and its units (not other admins' posts of the same agency)."""
    agencies = managed_agencies(actor)
    if agencies is None:
        return Position.objects.all()
    if not agencies:
        return Position.objects.none()
    return Position.objects.filter(agency_id__in=agencies, role__in=CREATABLE_ROLES[Role.AGENCY_ADMIN])


def positions_listed_for(actor):
    """What the positions page lists: every position of the actor's agency tree (admins' posts
    too, which an agency admin sees but does not manage); everything for the national desk."""
    agencies = managed_agencies(actor)
    if agencies is None:
        return Position.objects.all()
    return Position.objects.filter(agency_id__in=agencies)


def position_hand_over(*, position_id: int, to_username: str, actor) -> Position:
    with transaction.atomic():
        position = positions_managed_by(actor).select_for_update().filter(pk=position_id).first()
        if position is None:
            raise NotAllowed(_("You may not hand over this position."))
        to_user = User.objects.filter(username=(to_username or "").strip(), is_active=True).first()
        if to_user is None:
            raise InvalidInput(_("There is no active user with that username."), field="username")
        if to_user.pk == position.holder_id:
            raise InvalidInput(_("This person already holds the position."), field="username")
        _give(position, to_user, actor)
    return position


def _give(position: Position, user: User | None, actor) -> None:
    """Set the holder of a (locked) position and record the hand-over; None leaves it vacant."""
    previous = position.holder
    position.holder = user
    position.save(update_fields=["holder"])
    audit_record(
        kind=AuditEntry.Kind.POSITION_CHANGE,
        actor=actor,
        position=_acting_position(actor),
        subject_position=position,
        from_user=previous.username if previous else None,
        to_user=user.username if user else None,
    )



# --- positions ------------------------------------------------------------------------------------
MAX_TITLE = 150


def position_create(*, actor, role: str, agency_code: str, title: str) -> Position:
    """Create a vacant position (a person is given it by hand-over or with a new account)."""
    allowed = creatable_roles(actor)
    if not allowed:
        raise NotAllowed(_("You may not create positions."))
    if role not in Role.values:
        raise InvalidInput(_("Choose the role of the position."), field="role")
    if role not in allowed:
        raise NotAllowed(_("Only the national desk may create agency-admin positions."))
    code = (agency_code or "").strip()
    if not code:
        raise InvalidInput(_("Choose the agency or unit of the position."), field="agency")
    agency = Agency.objects.filter(code=code, is_active=True).first()
    if agency is None:
        raise InvalidInput(_("There is no active agency or unit with the code “%(code)s”.") % {"code": code[:64]}, field="agency")
    agencies = managed_agencies(actor)
    if agencies is not None and agency.pk not in agencies:
        raise NotAllowed(_("You may create positions only at your agency and its units."))
    if agency.kind == Agency.Kind.NATIONAL_DESK:
        raise InvalidInput(_("Positions at the national desk are set up by the platform operator."), field="agency")
    if role == Role.AGENCY_ADMIN and agency.kind == Agency.Kind.UNIT:
        raise InvalidInput(_("An agency-admin position belongs to an agency, not to one of its units."), field="agency")
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(_("Give the position a title, e.g. “Pejabat Penghubung Dinas Pendidikan”."), field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(_("The title is too long: at most %(n)d characters.") % {"n": MAX_TITLE}, field="title")
    with transaction.atomic():
        if Position.objects.filter(agency=agency, title__iexact=title, is_active=True).exists():
            message = _("%(agency)s already has an active position with this title.") % {"agency": agency}
            raise InvalidInput(message, field="title")
        position = Position.objects.create(role=role, agency=agency, title=title, holder=None, is_active=True)
        audit_record(
            kind=AuditEntry.Kind.POSITION_CREATED,
            actor=actor,
            position=_acting_position(actor),
            subject_position=position,
            role=role,
            title=title,
            agency_code=agency.code,
        )
    return position


def _locked_managed_position(actor, position_id: int) -> Position | None:
    # `of` keeps the lock on the position row: PostgreSQL cannot lock the nullable side of the join.
    managed = positions_managed_by(actor).select_for_update(of=("self",)).select_related("agency", "holder")
    return managed.filter(pk=position_id).first()


def open_queue_count(position: Position) -> int:
    """Open reports waiting in the queue this position serves (the same definition as the
    officer's queue page: per role and agency or unit, not per person)."""
    # Imported here: accounts lies below reports (reports imports accounts); this is its one call up.
    from lapor.reports.selectors import report_queue

    return report_queue(Actor(positions=(position,))).count()


def position_set_active(*, actor, position_id: int, active: bool) -> Position:
    """Deactivate or reactivate a position. A queue belongs to a role at an agency or unit, so
    deactivating is refused only when the position is the last active one serving a queue that
    still holds open reports: they would wait for nobody (ADR 0012)."""
    with transaction.atomic():
        position = _locked_managed_position(actor, position_id)
        if position is None:
            raise NotAllowed(_("You may not change this position."))
        if position.is_active == active:
            message = _("This position is already active.") if active else _("This position is already inactive.")
            raise InvalidInput(message, field="position")
        if not active:
            if position.holder_id is not None and position.holder_id == actor.user_id:
                raise NotAllowed(_("You cannot deactivate a position you hold yourself."))
            others = Position.objects.filter(role=position.role, agency_id=position.agency_id, is_active=True)
            others = others.exclude(pk=position.pk)
            waiting = 0 if others.exists() else open_queue_count(position)
            if waiting:
                raise Conflict(
                    ngettext(
                        "%(n)d open report waits in this position's queue and no other active position of this role "
                        "serves %(agency)s. Hand the position over instead, or create another position first.",
                        "%(n)d open reports wait in this position's queue and no other active position of this role "
                        "serves %(agency)s. Hand the position over instead, or create another position first.",
                        waiting,
                    )
                    % {"n": waiting, "agency": position.agency},
                    field="position",
                )
        position.is_active = active
        position.save(update_fields=["is_active"])
        audit_record(
            kind=AuditEntry.Kind.POSITION_REACTIVATED if active else AuditEntry.Kind.POSITION_DEACTIVATED,
            actor=actor,
            position=_acting_position(actor),
            subject_position=position,
            holder=position.holder.username if position.holder else None,
        )
    return position


# --- officials' accounts --------------------------------------------------------------------------
MAX_NAME = 150


def _clean_new_account(username: str, full_name: str, email: str) -> tuple[str, str, str]:
    username = (username or "").strip()
    if not username:
        raise InvalidInput(_("Choose a username."), field="username")
    if len(username) > 150:
        raise InvalidInput(_("The username is too long: at most 150 characters."), field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InvalidInput(_("A username may contain only letters, digits and the characters @ . + - _"), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("The username “%(username)s” is taken.") % {"username": username}, field="username")
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise InvalidInput(_("Give the official's full name."), field="full_name")
    if len(full_name) > MAX_NAME:
        raise InvalidInput(_("The name is too long: at most %(n)d characters.") % {"n": MAX_NAME}, field="full_name")
    email = (email or "").strip()
    if not email:
        raise InvalidInput(_("Give the official's e-mail address: the invitation to set a password goes there."), field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("“%(email)s” is not a valid e-mail address.") % {"email": email[:254]}, field="email")
    # One account per address, so that a password code cannot go to the wrong person's account.
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput(_("Another account already uses this e-mail address."), field="email")
    return username, full_name, email


def official_create(*, actor, position_id: int, username: str, full_name: str, email: str) -> User:
    """Create an official's account, give them a position and invite them to set their own
    password (nobody else ever knows it): one transaction, so a failed invitation leaves no account."""
    with transaction.atomic():
        position = _locked_managed_position(actor, position_id)
        if position is None:
            raise NotAllowed(_("You may not give this position to anyone."))
        if not position.is_active:
            raise InvalidInput(_("This position is inactive: reactivate it first."), field="position")
        username, full_name, email = _clean_new_account(username, full_name, email)
        user = User(username=username, full_name=full_name, email=email, is_active=True)
        user.set_unusable_password()
        try:
            user.save()
        except IntegrityError:  # the same username created at the same moment by someone else
            raise InvalidInput(_("The username “%(username)s” is taken.") % {"username": username}, field="username")
        audit_record(
            kind=AuditEntry.Kind.USER_CREATED,
            actor=actor,
            position=_acting_position(actor),
            subject_position=position,
            username=user.username,
            user_id=user.pk,
        )
        _give(position, user, actor)
        send_password_code(user, channel="email", invitation=True)
    return user


def accounts_in_reach(actor, user_ids) -> set[int]:
    """Of these users, those whose accounts the actor may deactivate. The national desk: anyone
    but themselves and platform operators. An agency admin: people whose positions (held now,
    active or not) all lie among the positions they manage; someone holding no position is not
    an agency's official (a citizen, or a person whose posts were handed on) and is the national
    desk's to manage."""
    users = User.objects.filter(pk__in=set(user_ids), is_staff=False, is_superuser=False).exclude(pk=actor.user_id)
    if actor.has_role(Role.NATIONAL_ADMIN):
        return set(users.values_list("pk", flat=True))
    held: dict[int, set[int]] = {}
    for holder_id, position_id in Position.objects.filter(holder__in=users).values_list("holder_id", "pk"):
        held.setdefault(holder_id, set()).add(position_id)
    every = set().union(*held.values()) if held else set()
    managed = set(positions_managed_by(actor).filter(pk__in=every).values_list("pk", flat=True))
    return {user_id for user_id, positions in held.items() if positions <= managed}


def official_set_active(*, actor, user_id: int, active: bool) -> User:
    """Deactivate an account (its sign-ins, sessions and API tokens stop working at once) and
    leave its positions vacant, so that no report is forwarded to a person who cannot sign in;
    or, for the national desk only, reactivate one."""
    if not may_manage(actor):
        raise NotAllowed(_("You may not manage accounts."))
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise NotAllowed(_("You may not change this account."))
        if user.is_active == active:
            message = _("This account is already active.") if active else _("This account is already inactive.")
            raise InvalidInput(message, field="user")
        if user.is_staff or user.is_superuser:
            raise NotAllowed(_("Platform operators' accounts are managed in the administration site."))
        if active:
            if not actor.has_role(Role.NATIONAL_ADMIN):
                raise NotAllowed(_("Only the national desk may reactivate an account."))
        else:
            if user.pk == actor.user_id:
                raise NotAllowed(_("You cannot deactivate your own account."))
            if user.pk not in accounts_in_reach(actor, [user.pk]):
                raise NotAllowed(
                    _("You may deactivate only the accounts of people whose positions are all at your agency or its units.")
                )
        held = list(Position.objects.select_for_update(of=("self",)).filter(holder=user).select_related("agency").order_by("pk"))
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            kind=AuditEntry.Kind.USER_REACTIVATED if active else AuditEntry.Kind.USER_DEACTIVATED,
            actor=actor,
            position=_acting_position(actor),
            subject_position=held[0] if held else None,
            username=user.username,
            user_id=user.pk,
            positions=[p.pk for p in held],
        )
        if not active:
            for position in held:
                _give(position, None, actor)
    return user


def set_notice_channels(*, user: User, notify_email: bool, phone_channel: str) -> User:
    """Where the messages about the person's reports go (their notifications page): their e-mail
    address or not, their phone by SMS, by WhatsApp or not at all (""). Their list on the site is
    kept whatever they choose."""
    if phone_channel not in ("", *PhoneChannel.values):
        raise InvalidInput(_("Messages to a phone go by SMS or by WhatsApp, or not at all."), field="phone_channel")
    User.objects.filter(pk=user.pk).update(notify_email=notify_email, phone_channel=phone_channel)
    user.notify_email, user.phone_channel = notify_email, phone_channel
    return user


def set_position_notices(*, actor, position_id: int, queue_messages: bool, daily_digest: bool) -> Position:
    """What the holder of a position is sent by e-mail about its queue (their notice-settings
    page): a message when a report enters it, is overdue or is escalated to it; a digest every
    morning. Only the current holder of an active position sets them; any other position is
    NotFound, which says nothing about positions one does not hold. The flags belong to the post:
    a hand-over keeps them."""
    position = next((p for p in actor.positions if p.pk == position_id), None)
    if position is None or actor.user is None:
        raise NotFound(_("You hold no such position."))
    # Conditional: the position may have been handed over or deactivated since the actor was read.
    changed = Position.objects.filter(pk=position_id, holder=actor.user, is_active=True).update(
        queue_messages=queue_messages, daily_digest=daily_digest
    )
    if not changed:
        raise NotFound(_("You hold no such position."))
    position.queue_messages, position.daily_digest = queue_messages, daily_digest
    return position
