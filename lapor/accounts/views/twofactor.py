"""The second sign-in step and its settings page (lapor/accounts/twofactor.py has the rules).

After the password, TwoFactorMiddleware sends an official here: to `enrol` when they have no
authenticator app yet, to `verify` otherwise. Both honour `next`, only within this site. Pages
that show a key or backup codes are never cached."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lapor.core.errors import NotAllowed

from .. import twofactor as tf


def _next(request) -> str:
    return tf.safe_next(request, request.POST.get("next") or request.GET.get("next"), tf.default_next(request.user))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """Ask for a code from the authenticator app, or a backup code."""
    user = request.user
    next_url = _next(request)
    if tf.is_verified(request) or not tf.needs_second_factor(user):
        return redirect(next_url)
    if tf.app_device(user) is None:
        return redirect(tf.second_step_url(user, next_url))
    error, backup_error = "", ""
    if request.method == "POST":
        backup = bool(request.POST.get("backup_code", "").strip())
        check = tf.check_code(user, request.POST.get("backup_code" if backup else "code", ""), backup=backup)
        if check.ok:
            tf.sign_in_verified(request, check.device)
            if backup:
                left = tf.backup_codes_left(user)
                messages.warning(request, ngettext(
                    "You used a backup code. %(left)d backup code is left.",
                    "You used a backup code. %(left)d backup codes are left.",
                    left,
                ) % {"left": left})
            return redirect(next_url)
        if backup:
            backup_error = check.error
        else:
            error = check.error
    return render(request, "accounts/two_factor_verify.html", {"next": next_url, "error": error, "backup_error": backup_error})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Show a new key (QR code and text) and confirm it with a code the app produces. Also how an
    enrolled person moves to a new phone, from a verified session."""
    user = request.user
    next_url = _next(request)
    replacing = tf.app_device(user) is not None
    if replacing and not tf.is_verified(request):
        # A password alone must never be enough to put a new phone in place of the old one.
        return redirect(tf.second_step_url(user, next_url))
    error = ""
    if request.method == "POST":
        check = tf.confirm_enrolment(user, request.POST.get("code", ""))
        if check.ok:
            tf.sign_in_verified(request, check.device)
            context = {"codes": check.backup_codes, "next": next_url, "enrolled": True}
            return render(request, "accounts/two_factor_backup_codes.html", context)
        error = check.error
    device = tf.pending_device(user)
    context = {"secret": tf.secret_base32(device), "next": next_url, "error": error, "replacing": replacing}
    return render(request, "accounts/two_factor_enrol.html", {**context, "official": tf.is_official(user)})


@never_cache
@login_required
def enrol_qr(request):
    """The pending key as an SVG QR code, for the <img> on the enrolment page (same origin, so
    the Content-Security-Policy allows it; no inline markup needed)."""
    user = request.user
    if tf.app_device(user) is not None and not tf.is_verified(request):
        raise Http404
    device = tf.pending_device(user, create=False)
    if device is None:
        raise Http404
    return HttpResponse(tf.qr_svg(device), content_type="image/svg+xml")


@never_cache
@login_required
def settings_page(request):
    """Whether two-step sign-in is on, when it was set up and last used, backup codes left."""
    user = request.user
    return render(
        request,
        "accounts/two_factor_settings.html",
        {"app": tf.app_device(user), "backup_left": tf.backup_codes_left(user), "official": tf.is_official(user)},
    )


@never_cache
@login_required
@require_POST
def new_backup_codes(request):
    """Replace the backup codes (the old ones stop working) and show the new ones once."""
    user = request.user
    if tf.app_device(user) is None or not tf.is_verified(request):
        messages.error(request, _("Set up an authenticator app first."))
        return redirect("accounts:two_factor_settings")
    codes = tf.replace_backup_codes(user)
    return render(request, "accounts/two_factor_backup_codes.html", {"codes": codes, "next": "", "enrolled": False})


@never_cache
@login_required
@require_POST
def turn_off(request):
    """A citizen who chose two-step sign-in may turn it off again, with a current code."""
    user = request.user
    if tf.is_official(user):
        messages.error(request, _("Two-step sign-in is required for officials."))
        return redirect("accounts:two_factor_settings")
    if tf.app_device(user) is None or not tf.is_verified(request):
        return redirect("accounts:two_factor_settings")
    check = tf.check_code(user, request.POST.get("code", ""))
    if not check.ok:
        messages.error(request, check.error)
        return redirect("accounts:two_factor_settings")
    try:
        tf.turn_off(user)
    except NotAllowed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Two-step sign-in is off."))
    return redirect("accounts:two_factor_settings")
