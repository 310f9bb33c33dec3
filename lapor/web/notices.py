"""The link in every message to a reporter: stop the messages about that report (ADR 0032).
Opening the link only asks (mail scanners open links); the button stops them."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from lapor.notices.reporters import tracking_number_of_stop_token
from lapor.reports.services import report_stop_notices
from lapor.reports.tokens import normalise_tracking_number


@require_http_methods(["GET", "POST"])
def stop(request, tracking_number, token):
    number = normalise_tracking_number(tracking_number)
    if not number or tracking_number_of_stop_token(token) != number:
        raise Http404  # not a link we sent: says nothing about whether the report exists
    stopped = request.method == "POST"
    if stopped:
        report_stop_notices(tracking_number=number)
    return render(request, "web/notices_stop.html", {"tracking_number": number, "number": f"{number[:5]}-{number[5:]}", "stopped": stopped})
