"""A signed-in reporter's notifications (the in-app channel, ADR 0032): the page lists them,
newest first; what it shows is marked read as it is shown (marked "new" this once). Its form
sets where the same messages go besides the list: the account's e-mail, its phone by SMS or
WhatsApp (`accounts.services.set_notice_channels`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lapor.accounts.services import set_notice_channels
from lapor.core.errors import InvalidInput
from lapor.notify.channels import available
from lapor.notify.models import PhoneChannel
from lapor.notices.inbox import mark_read, notifications_of

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    error = ""
    if request.method == "POST":
        try:
            set_notice_channels(user=request.user, notify_email=request.POST.get("notify_email") == "on",
                                phone_channel=request.POST.get("phone_channel", "")[:16])
        except InvalidInput as problem:
            error = problem.message
        else:
            messages.success(request, _("Saved: the messages about your reports go where you chose."))
            return redirect("web:notifications")
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("hal"))
    shown = list(page.object_list)
    mark_read(request.user, [n.pk for n in shown if n.read_at is None])
    phone_channels = [(value, label) for value, label in PhoneChannel.choices if available(value)]
    return render(request, "web/notifications.html", {
        "page": page, "shown": shown, "error": error,
        "email_available": available("email"),
        "phone_channels": [*phone_channels, ("", _("Not to my phone"))] if phone_channels else [],
    }, status=422 if error else 200)
