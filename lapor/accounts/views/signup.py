"""Citizen sign-up (/daftar/, /daftar/verifikasi/) and password reset (/masuk/lupa-sandi/,
/masuk/lupa-sandi/atur/). The logic is in lapor/accounts/registration.py; see ADR 0011.

Bad input re-renders the form with a message next to each field and the values typed (never
the passwords), and writes nothing. E-mail addresses, phone numbers and codes travel only in
POST bodies and the server-side session, never in a URL, a log line or an error message."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from lapor.core.errors import InvalidInput
from lapor.core.ratelimit import client_address, hit
from lapor.notify import channels

from .. import contacts, registration, verification
from ..models import User
from ..registration import Contact, FormErrors

SESSION_SIGNUP = "signup"
SESSION_RESET = "password_reset"
BACKEND = "lapor.accounts.backends.UsernameEmailOrPhoneBackend"
HOUR = 3600


def _too_many() -> str:
    return _("Too many requests from your address. Please wait an hour and try again.")


def _destination_allowed(destination: str) -> bool:
    """At most LAPOR_MESSAGES_PER_DESTINATION_PER_HOUR messages to one address, whoever asks.
    The cache key holds a keyed hash, not the address."""
    key = salted_hmac("lapor.accounts.destination", destination, algorithm="sha256").hexdigest()[:32]
    return hit(f"dest:{key}", settings.LAPOR_MESSAGES_PER_DESTINATION_PER_HOUR, HOUR)


def _too_many_for_destination() -> str:
    return _("Too many messages have been sent to this address. Please wait an hour and try again.")


def mask(channel: str, destination: str) -> str:
    """Enough of an address for its owner to recognise it on screen."""
    if channel == contacts.EMAIL:
        local, _at, domain = destination.partition("@")
        return f"{local[:2]}•••@{domain}"
    return f"{destination[:3]}•••{destination[-4:]}"


def _availability() -> dict:
    return {"email_available": channels.email_available(), "sms_available": channels.sms_available()}


# --- sign-up ------------------------------------------------------------------------------------


def _signup_page(request, values=None, errors=None, status=200):
    context = {"values": values or {}, "errors": errors or {}, **_availability()}
    return render(request, "accounts/signup.html", context, status=status)


@sensitive_post_parameters("password1", "password2", "email", "phone")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        messages.info(request, _("You are already signed in."))
        return redirect("web:home")
    if request.method == "GET":
        return _signup_page(request)
    values = {k: request.POST.get(k, "") for k in ("full_name", "email", "phone")}
    if not hit(f"signup:{client_address(request)}", settings.LAPOR_SIGNUPS_PER_HOUR, HOUR):
        return _signup_page(request, values, {"__all__": _too_many()}, status=429)
    errors: dict[str, str] = {}
    full_name = " ".join(values["full_name"].split())
    if not full_name:
        errors["full_name"] = _("Enter your full name.")
    elif len(full_name) > 150:
        errors["full_name"] = _("The name is too long (at most 150 characters).")
    contact_list: list[Contact] = []
    for field, channel, normalise in (
        ("email", contacts.EMAIL, contacts.normalise_email),
        ("phone", contacts.SMS, contacts.normalise_phone),
    ):
        if not values[field].strip():
            continue
        try:
            destination = normalise(values[field], field=field)
        except InvalidInput as error:
            errors[field] = error.message
            continue
        if not channels.available(channel):
            errors[field] = verification.channel_unavailable_message(channel)
            continue
        contact_list.append(Contact(channel, destination))
    if not values["email"].strip() and not values["phone"].strip():
        errors["email"] = _("Give an e-mail address or a mobile number (or both).")
    password1, password2 = request.POST.get("password1", ""), request.POST.get("password2", "")
    if not password1:
        errors["password1"] = _("Enter a password.")
    elif password1 != password2:
        errors["password2"] = _("The two passwords are not the same.")
    else:
        candidate = User(
            username="", full_name=full_name,
            email=next((c.destination for c in contact_list if c.channel == contacts.EMAIL), ""),
            phone=next((c.destination for c in contact_list if c.channel == contacts.SMS), ""),
        )
        problems = registration.password_errors(password1, candidate)
        if problems:
            errors["password1"] = " ".join(problems)
    if errors:
        return _signup_page(request, values, errors, status=422)
    for contact in contact_list:
        if not _destination_allowed(contact.destination):
            return _signup_page(request, values, {contact.field: _too_many_for_destination()}, status=429)
    request.session[SESSION_SIGNUP] = registration.start_sign_up(
        full_name=full_name, contact_list=contact_list, password=password1
    )
    return redirect("accounts:signup_verify")


def _verify_page(request, state, errors=None, status=200):
    fields = [
        {
            "name": registration.code_field(c),
            "channel": c["channel"],
            "masked": mask(c["channel"], c["destination"]),
        }
        for c in state["contacts"]
    ]
    context = {"fields": fields, "errors": errors or {}, "minutes": settings.LAPOR_CODE_MINUTES}
    return render(request, "accounts/signup_verify.html", context, status=status)


def _signup_state(request):
    state = request.session.get(SESSION_SIGNUP)
    if not state:
        messages.info(request, _("Sign up first: the code is sent when you submit the sign-up form."))
    return state


def _sign_up_closed(request, error: InvalidInput):
    request.session.pop(SESSION_SIGNUP, None)
    messages.error(request, error.message)
    return redirect("accounts:signup")


@sensitive_post_parameters("code_email", "code_sms")
@require_http_methods(["GET", "POST"])
def signup_verify(request):
    state = _signup_state(request)
    if not state:
        return redirect("accounts:signup")
    if request.method == "GET":
        return _verify_page(request, state)
    try:
        user = registration.finish_sign_up(state, request.POST.dict())
    except FormErrors as failure:
        request.session[SESSION_SIGNUP] = state  # wrong tries on decoy codes are counted in it
        return _verify_page(request, state, failure.errors, status=422)
    except InvalidInput as error:
        return _sign_up_closed(request, error)
    request.session.pop(SESSION_SIGNUP, None)
    login(request, user, backend=BACKEND)
    messages.success(request, _("Welcome, %(name)s! Your account is ready and you are signed in.") % {"name": user.display_name()})
    return redirect("web:home")


@require_POST
def signup_resend(request):
    state = _signup_state(request)
    if not state:
        return redirect("accounts:signup")
    if not hit(f"resend:{client_address(request)}", settings.LAPOR_CODE_RESENDS_PER_HOUR, HOUR):
        return _verify_page(request, state, {"__all__": _too_many()}, status=429)
    if not all(_destination_allowed(c["destination"]) for c in state["contacts"]):
        return _verify_page(request, state, {"__all__": _too_many_for_destination()}, status=429)
    try:
        registration.resend_sign_up_codes(state)
    except InvalidInput as error:
        return _sign_up_closed(request, error)
    request.session[SESSION_SIGNUP] = state
    messages.success(request, _("We have sent new codes. Earlier codes no longer work."))
    return redirect("accounts:signup_verify")


# --- password reset -------------------------------------------------------------------------------


def _reset_page(request, values=None, errors=None, status=200):
    context = {"values": values or {}, "errors": errors or {}, **_availability()}
    return render(request, "accounts/password_reset.html", context, status=status)


def _parse_destination(value: str, field: str) -> tuple[str, str]:
    channel, destination = contacts.parse_identifier(value, field=field)
    if not channels.available(channel):
        raise InvalidInput(verification.channel_unavailable_message(channel), field=field)
    return channel, destination


@sensitive_post_parameters("identifier")
@require_http_methods(["GET", "POST"])
def password_reset(request):
    if request.method == "GET":
        return _reset_page(request)
    values = {"identifier": request.POST.get("identifier", "")}
    if not hit(f"reset:{client_address(request)}", settings.LAPOR_PASSWORD_RESETS_PER_HOUR, HOUR):
        return _reset_page(request, values, {"__all__": _too_many()}, status=429)
    try:
        channel, destination = _parse_destination(values["identifier"], "identifier")
    except InvalidInput as error:
        return _reset_page(request, values, {"identifier": error.message}, status=422)
    # Counted whether or not an account uses the address, so the answer does not tell.
    if not _destination_allowed(destination):
        return _reset_page(request, values, {"identifier": _too_many_for_destination()}, status=429)
    registration.request_password_reset(channel, destination)
    request.session[SESSION_RESET] = {"identifier": values["identifier"].strip()}
    messages.success(
        request,
        _("If an account uses this address, we have sent a code to it. The code is valid for %(minutes)s minutes.")
        % {"minutes": settings.LAPOR_CODE_MINUTES},
    )
    return redirect("accounts:password_reset_confirm")


def _confirm_page(request, values=None, errors=None, status=200):
    context = {"values": values or {}, "errors": errors or {}, "minutes": settings.LAPOR_CODE_MINUTES}
    return render(request, "accounts/password_reset_confirm.html", context, status=status)


@sensitive_post_parameters("identifier", "code", "password1", "password2")
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request):
    if request.method == "GET":
        return _confirm_page(request, request.session.get(SESSION_RESET, {}))
    values = {k: request.POST.get(k, "") for k in ("identifier", "code")}
    errors: dict[str, str] = {}
    destination = code = None
    try:
        _channel, destination = contacts.parse_identifier(values["identifier"], field="identifier")
    except InvalidInput as error:
        errors["identifier"] = error.message
    try:
        code = verification.normalise_code(values["code"])
    except InvalidInput as error:
        errors["code"] = error.message
    password1, password2 = request.POST.get("password1", ""), request.POST.get("password2", "")
    if not password1:
        errors["password1"] = _("Enter a new password.")
    elif password1 != password2:
        errors["password2"] = _("The two passwords are not the same.")
    else:
        problems = registration.password_errors(password1, None)
        if problems:
            errors["password1"] = " ".join(problems)
    if errors:
        return _confirm_page(request, values, errors, status=422)
    try:
        user = registration.reset_password(destination=destination, code=code, password=password1)
    except InvalidInput as error:
        return _confirm_page(request, values, {error.field or "__all__": error.message}, status=422)
    request.session.pop(SESSION_RESET, None)
    if request.user.is_authenticated and request.user.pk == user.pk:
        # This session already passed every sign-in step: keep it; every other one has ended.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed. Your other sessions have been signed out."))
        return redirect("web:home")
    messages.success(request, _("Your password has been changed. Sign in with the new password."))
    return redirect("login")
