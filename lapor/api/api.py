"""The REST API under /api/v1 (django-ninja). Thin: parse, call one service or selector, render.

Errors are JSON {"detail", "code", "field"} with the status of the domain error
(400/401/403/404/409/413/422/429); see lapor/core/errors.py."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI, Router
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from lapor.accounts.models import ApiClient
from lapor.core.errors import DomainError, NotFound, RateLimited
from lapor.core.ratelimit import client_address, hit
from lapor.reports import privacy, selectors, services
from lapor.reports.states import Action

from . import schemas as s
from .auth import actor_from_request
from .reference import router as reference_router
from .serialize import detail_dict, summary_dict, track_dict

# How callers authenticate, declared in the OpenAPI document (the docs page's Authorize button);
# each endpoint checks for itself (auth.actor_from_request) and says what it needs in its text.
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "An agency API client's key (`lpc_…`, scoped: "
               "ADR 0036) or a person's own API token."},
    "reporterSecret": {"type": "apiKey", "in": "header", "name": "X-Reporter-Secret",
                       "description": "A guest reporter's secret code, returned once at submission."},
}
IDEMPOTENCY_KEY = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "minLength": 8, "maxLength": 200},
    "description": "Makes a retry safe: the same key with the same report returns the first result "
    "(with `Idempotent-Replayed: true`); with a different report, 409. Kept for a day.",
}


class LaporAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        schema["security"] = [{"bearer": []}, {"reporterSecret": []}, {}]  # {}: many endpoints are open to all
        return schema


api = LaporAPI(
    title="Lapor API",
    version="1",
    description="Public-service complaints (SP4N-LAPOR!): submit, track and handle reports. "
    "Authenticate with `Authorization: Bearer <token>`; reporters without an account use "
    "`X-Reporter-Secret`.",
    urls_namespace="api",
    docs_url="/docs",
)

ERRORS = {400: s.ErrorOut, 401: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut, 413: s.ErrorOut, 422: s.ErrorOut, 429: s.ErrorOut}


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, {"detail": exc.message, "code": exc.code, "field": exc.field}, status=exc.status)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    location = [str(part) for part in first.get("loc", ()) if part not in ("body", "payload", "query", "path", "form")]
    field = ".".join(location) or None
    message = first.get("msg", _("Invalid input."))
    detail = f"{field}: {message}" if field else message
    return api.create_response(request, {"detail": detail, "code": "invalid", "field": field, "errors": exc.errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # django-ninja raises HttpError(400) when the body cannot be parsed (malformed JSON).
    if exc.status_code == 400:
        detail, code = _("The request body could not be read: send valid JSON."), "malformed_body"
    else:
        detail, code = str(exc), "error"
    return api.create_response(request, {"detail": detail, "code": code, "field": None}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return api.create_response(request, {"detail": _("The request is too large."), "code": "too_large", "field": None}, status=413)


router = Router(tags=["reports"])


def _submit(request, payload: dict, files, idempotency_key: str | None):
    actor = actor_from_request(request, scope=ApiClient.Scope.SUBMIT)
    if actor.user_id is None and actor.client is None:  # a client has a rate of its own
        if not hit(f"submit:{client_address(request)}", settings.LAPOR_ANON_SUBMISSIONS_PER_MINUTE):
            raise RateLimited(_("Too many reports from your address; please wait a minute and try again."))
    result = services.report_submit(data=payload, actor=actor, files=files, idempotency_key=idempotency_key)
    report = result.report
    body = {
        "tracking_number": report.tracking_number,
        "status": report.status,
        "due_at": report.stage_due_at,
        "reporter_secret": result.reporter_secret,
        "track_url": f"/lacak/{report.tracking_number}/",
    }
    response = api.create_response(request, s.ReportCreatedOut(**body).dict(), status=201)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@router.post("/reports", response={201: s.ReportCreatedOut, **ERRORS}, summary="Submit a report (JSON)",
             openapi_extra={"parameters": [IDEMPOTENCY_KEY]})
def submit_report(request, payload: s.ReportIn):
    """Anyone may submit; with a bearer token the report belongs to that account. Send an
    `Idempotency-Key` header to make retries safe: a retry returns the first result."""
    return _submit(request, payload.dict(), [], request.headers.get("Idempotency-Key"))


@router.post("/reports/with-attachments", response={201: s.ReportCreatedOut, **ERRORS},
             summary="Submit a report with attachments (multipart)", openapi_extra={"parameters": [IDEMPOTENCY_KEY]})
def submit_report_multipart(request, payload: Form[s.ReportIn], attachments: File[list[UploadedFile]] = None):
    """Same as POST /reports, as multipart/form-data with files in `attachments` (JPEG, PNG,
    WebP or PDF; at most LAPOR_MAX_ATTACHMENTS files of LAPOR_MAX_ATTACHMENT_BYTES each — by
    default 5 files of 10 MB)."""
    return _submit(request, payload.dict(), attachments or [], request.headers.get("Idempotency-Key"))


@router.get("/track/{tracking_number}", response={200: s.TrackOut, **ERRORS}, summary="Track a report (public view)")
def track(request, tracking_number: str):
    report = selectors.report_by_tracking_number(tracking_number)
    if report is None:
        raise NotFound(_("There is no report with the tracking number “%(n)s”.") % {"n": tracking_number[:12]})
    return track_dict(report)


@router.get("/reports", response={200: s.ReportPage, **ERRORS}, summary="List reports (officers)")
def list_reports(request, status: str | None = None, overdue: bool | None = None, queue: bool = False, page: int = 1, page_size: int = 50):
    """Reports the caller may see, newest first; `queue=true` gives only those waiting for the
    caller's positions, soonest due first."""
    actor = actor_from_request(request, require_user=True, scope=ApiClient.Scope.READ)
    page, page_size = max(page, 1), min(max(page_size, 1), 200)
    if queue:
        qs = selectors.report_queue(actor, selectors.QueueFilter(status=status or "", overdue=overdue))
    else:
        qs = selectors.reports_visible_to(actor).select_related("agency", "unit", "category").order_by("-submitted_at", "-pk")
        if status:
            qs = qs.filter(status=status)
        if overdue is not None:
            qs = qs.filter(is_overdue=overdue)
    count = qs.count()
    rows = qs[(page - 1) * page_size : page * page_size]
    return {"count": count, "page": page, "page_size": page_size, "results": [summary_dict(actor, r) for r in rows]}


@router.get("/reports/{tracking_number}", response={200: s.ReportDetailOut, **ERRORS}, summary="Get one report (officers and its reporter)")
def get_report(request, tracking_number: str):
    actor = actor_from_request(request, scope=ApiClient.Scope.READ)
    report = selectors.report_by_tracking_number(tracking_number)
    if report is None or not selectors.can_view(actor, report):
        raise NotFound(_("There is no report with the tracking number “%(n)s”.") % {"n": tracking_number[:12]})
    privacy.note_content_read(actor, report, channel="api")
    return detail_dict(actor, report, selectors.available_actions(actor, report))


@router.post("/reports/{tracking_number}/reveal-identity", response={200: s.RevealOut, **ERRORS}, summary="Reveal an anonymous reporter's identity (national admin; audited)")
def reveal_identity(request, tracking_number: str, payload: s.RevealIn):
    """Only the national desk, only for an anonymous report, only with a reason. Every reveal is
    recorded in the audit log with the reason."""
    actor = actor_from_request(request, require_user=True)
    return privacy.report_reveal_identity(tracking_number=tracking_number, actor=actor, reason=payload.reason, channel="api")


# One endpoint per lifecycle action: (path, action, input schema, who).
ACTION_ENDPOINTS = [
    ("dispose", Action.DISPOSE, s.DisposeIn, "national admin"),
    ("request-info", Action.REQUEST_INFO, s.ActionIn, "national admin"),
    ("reject", Action.REJECT, s.RejectIn, "national admin"),
    ("forward", Action.FORWARD, s.ForwardIn, "agency admin"),
    ("not-our-authority", Action.NOT_OUR_AUTHORITY, s.NotOurAuthorityIn, "agency admin"),
    ("archive", Action.ARCHIVE, s.ArchiveIn, "national admin or agency admin"),
    ("dismiss-appeal", Action.DISMISS_APPEAL, s.ActionIn, "agency admin"),
    ("respond", Action.RESPOND, s.ActionIn, "liaison officer"),
    ("follow-up", Action.FOLLOW_UP, s.ActionIn, "liaison officer"),
    ("interim-reply", Action.INTERIM_REPLY, s.InterimReplyIn, "liaison officer"),
    ("supplement", Action.SUPPLEMENT, s.SupplementIn, "reporter"),
    ("reply", Action.REPLY, s.ActionIn, "reporter"),
    ("rate", Action.RATE, s.RateIn, "reporter"),
    ("appeal", Action.APPEAL, s.ActionIn, "reporter"),
    ("ombudsman-consent", Action.OMBUDSMAN_CONSENT, s.ActionIn, "reporter"),
    ("ombudsman-decline", Action.OMBUDSMAN_DECLINE, s.ActionIn, "reporter"),
    ("ombudsman-outcome", Action.OMBUDSMAN_OUTCOME, s.OmbudsmanOutcomeIn, "Ombudsman"),
]


def _action_view(action: str, schema):
    def view(request, tracking_number: str, payload: schema):
        actor = actor_from_request(request)
        data = payload.dict()
        expected_version = data.pop("expected_version", None)
        report = services.report_act(
            tracking_number=tracking_number, action=action, actor=actor, payload=data, expected_version=expected_version
        )
        report = selectors.report_by_tracking_number(report.tracking_number)
        privacy.note_content_read(actor, report, channel="api")
        return detail_dict(actor, report, selectors.available_actions(actor, report))

    view.__name__ = f"action_{action}"
    # With `from __future__ import annotations` the hints are strings ("schema"), which ninja
    # cannot resolve from a closure: give it the real types.
    view.__annotations__ = {"tracking_number": str, "payload": schema}
    return view


for _path, _action, _schema, _who in ACTION_ENDPOINTS:
    router.post(
        f"/reports/{{tracking_number}}/{_path}",
        response={200: s.ReportDetailOut, **ERRORS},
        summary=f"{Action(_action).label.capitalize()} ({_who})",
        operation_id=f"report_{_action}",
    )(_action_view(_action, _schema))

api.add_router("/", router)
api.add_router("/", reference_router)
