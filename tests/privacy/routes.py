"""Every route of the site and of the API, and how the privacy tests exercise it.

test_routes.py walks the URL resolver and the API's OpenAPI document and fails when a route is
not classified here (or when an entry here names a route that no longer exists). Adding a route
is one line: pick the kind that says how it touches reports.

- read(spec): shows one report; `spec` is a key of endpoints.READS (the matrix checks every role x
  every report against its rendering rules, and the leak test greps it); "a / b" when the route
  shows several things of a report, each with its rule (the files of the track page).
- action(spec): changes one or more reports; `spec` names the test in test_actions.py that
  refuses it to every role that may not act and proves nothing happened.
- listing(spec, *queries): lists reports; `spec` names the exact-membership check in
  test_leaks.py; every query is fetched by every role and grepped.
- page(*queries, kwargs=..., same_for_all=False): any other page or export; fetched by every
  role (GET, with each query) and grepped for every marker the role may not see. A document the
  same for everyone (the OpenAPI schema) is checked to be so and fetched once.
- post_only(why): a form target that shows no report data (sign-out, language, account
  changes); `why` says so. It is not fetched.
- submission(): creates a report; test_leaks.test_submission_answers_only_the_new_report.
- admin(): the Django admin (matched by the "admin:" prefix); its index and every model's list
  are fetched by every role and grepped.

Queries and URL arguments may be callables of the PrivacyWorld, for values known only once the
world is built (a tracking number, a position's id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Route:
    kind: str  # read, action, listing, page, post_only, submission, admin
    spec: str = ""
    queries: tuple = ("",)
    kwargs: Callable | None = None
    why: str = ""
    same_for_all: bool = False  # the same bytes whoever asks (checked), so fetched once for every role

    def query_strings(self, pw) -> list[str]:
        out = []
        for q in self.queries:
            value = q(pw) if callable(q) else q
            out.extend(value if isinstance(value, list) else [value])
        return out


def read(spec: str) -> Route:
    return Route("read", spec)


def action(spec: str) -> Route:
    return Route("action", spec)


def listing(spec: str, *queries) -> Route:
    return Route("listing", spec, queries=queries or ("",))


def page(*queries, kwargs: Callable | None = None, same_for_all: bool = False) -> Route:
    return Route("page", queries=queries or ("",), kwargs=kwargs, same_for_all=same_for_all)


def post_only(why: str) -> Route:
    return Route("post_only", why=why)


def submission() -> Route:
    return Route("submission")


def _tn(place: str, kind: str):
    return lambda pw: pw.world.report(place, kind).tracking_number


def _stop_link(pw) -> dict:
    from lapor.notices.reporters import stop_token

    report = pw.world.report("city", "confidential")
    return {"tracking_number": report.tracking_number, "token": stop_token(report)}


def _position_id(pw) -> dict:
    from lapor.accounts.models import Position

    return {"position_id": Position.objects.get(holder=pw.world.users["liaison"]).pk}


def _audit_queries(pw) -> list[str]:
    anonymous = pw.world.report("city", "anonymous")
    secret = pw.world.report("city_unit", "confidential")
    return ["", "?kind=identity_reveal", f"?tracking_number={secret.tracking_number}&kind=confidential_read",
            f"?tracking_number={anonymous.tracking_number}", "?actor=p-national_admin"]


def _transition_queries(pw) -> list[str]:
    secret = pw.world.report("city_unit", "confidential")
    return ["", "?kind=supplement", "?kind=rate", f"?tracking_number={secret.tracking_number}", "?actor=warga05"]


def _evaluation_review(pw) -> dict:
    """A follow-up quality review of Jayapura, whose closed reports (public, confidential,
    anonymous) were followed up: drawn once (as the national admin) and found again after."""
    from lapor.monev.evaluation import review_draw
    from lapor.monev.models import FollowUpReview
    from lapor.accounts.actors import Actor

    review = FollowUpReview.objects.filter(agency__code="kota-91-71").first() or review_draw(
        actor=Actor.for_user(pw.world.users["national_admin"]), agency_code="kota-91-71",
        first="2025-01-01", last="2026-11-23", sample_size=10, seed=1,
    )
    return {"review_id": review.pk}


def _evaluation_plan(pw) -> dict:
    from lapor.monev.evaluation import action_plan_create
    from lapor.monev.models import ActionPlan
    from lapor.accounts.actors import Actor

    plan = ActionPlan.objects.filter(agency__code="kota-35-78").first() or action_plan_create(
        actor=Actor.for_user(pw.world.users["national_admin"]), agency_code="kota-35-78", title="Rencana aksi", first="2026-01-01", last="2026-12-31",
    )
    return {"plan_id": plan.pk}


def _scored_review_export(pw) -> dict:
    """The Jayapura review with every sampled follow-up scored once by the national admin, so
    that its exports have rows; only the first call scores."""
    from lapor.core.errors import InvalidInput
    from lapor.monev.evaluation import review_score
    from lapor.monev.models import FollowUpReview, FollowUpScore
    from lapor.accounts.actors import Actor

    review = FollowUpReview.objects.get(pk=_evaluation_review(pw)["review_id"])
    if not FollowUpScore.objects.filter(item__review=review).exists():
        actor = Actor.for_user(pw.world.users["national_admin"])
        for item in review.items.all():
            try:
                review_score(actor=actor, review_id=review.pk, item_id=item.pk, scores={"relevant": 3, "concrete": 4, "timely": 2, "polite": 4})
            except InvalidInput:  # a report whose content the national admin may not read: timeliness only
                review_score(actor=actor, review_id=review.pk, item_id=item.pk, scores={"timely": 2})
    return {"fmt": "csv"}


def _planned_item(pw) -> dict:
    """The Surabaya action plan with one item (owned by the liaison officer's position), for its exports."""
    from lapor.accounts.models import Position
    from lapor.monev.evaluation import action_plan_add_item
    from lapor.monev.models import ActionPlan
    from lapor.accounts.actors import Actor

    kwargs = _evaluation_plan(pw)
    plan = ActionPlan.objects.get(pk=kwargs["plan_id"])
    if not plan.items.exists():
        action_plan_add_item(
            actor=Actor.for_user(pw.world.users["national_admin"]), plan_id=plan.pk, action="Pelatihan pejabat penghubung",
            target="Semua unit terlatih", owner_position_id=str(Position.objects.get(holder=pw.world.users["liaison"]).pk), due="2026-12-31",
        )
    return kwargs


def _plans_export(pw) -> dict:
    _planned_item(pw)
    return {"fmt": "csv"}


# fmt: off
ROUTES: dict[str, Route] = {
    # public pages
    "web:home":                page(),
    "web:submit":              page(),  # its POST is a submission (tests/web, tests/api)
    # the confirmation, for the session that filed the report; anyone else is sent to its track page
    "web:submitted":           page(kwargs=lambda pw: {"tracking_number": pw.world.report("city", "confidential").tracking_number}),
    "web:landing":             page(),  # a redirect to where the signed-in person's work is (lapor/web/landing.py)
    "web:regions":             page("", "?parent=35"),
    "web:categories":          page("?parent=mbg", "?q=pendidikan"),  # submission form helpers: reference data
    "web:agency_suggestions":  page("?q=Kota"),
    # the link in a reporter's messages (ADR 0032): shows only the number it is for; its POST
    # stops the messages (tests/notices/test_reporter_notices.py)
    "web:notices_stop":        page(kwargs=_stop_link),
    "web:track_lookup":        page("", lambda pw: f"?nomor={pw.world.report('city', 'confidential').tracking_number}"),
    # (Search terms are tried by the feed's own check: the search box echoes them.)
    "web:feed":                listing("feed", "", "?status=closed", "?kategori=mbg&provinsi=91"),
    "web:statistics":          page("", "?dari=2026-01-01&sampai=2026-12-31"),  # aggregates only (tests/web/test_statistics.py)
    # one report
    "web:track":               read("track_web"),  # its POST takes the reporter's code: test_leaks.test_reporter_code
    "web:officer_report":      read("officer"),  # its POST reveals an identity: test_actions.test_identity_reveal
    "web:officer_attachment":  read("attachment"),
    # the Ombudsman's list (ADR 0023): transferred reports and, to read, those offered; 403 for everyone else
    "web:ombudsman":           listing("ombudsman_list", "", "?hasil=none", "?hasil=accepted", "?hasil=resolved", "?daftar=offered", "?hal=2"),
    # ADR 0024: the reporter's PDF and photo, an official's photo
    "web:track_attachment":    read("track_document / track_photo / track_official_photo"),
    "web:track_thumbnail":     read("track_thumbnail"),
    # actions on reports
    "web:reporter_action":     action("test_actions / test_reporter_form_accepts_no_other_action"),
    "web:officer_action":      action("test_actions / test_officer_form_accepts_no_other_action"),
    "web:bulk_action":         action("test_bulk_action"),
    "web:support":             action("test_support"),
    # lists of reports
    "web:queue":               listing("queue", "", "?status=in_process&overdue=0", "?segera=1&kategori=mbg", "?provinsi=91&kanal=web&urut=submitted"),
    "web:my_reports":          listing("my_reports", "", "?hal=2"),
    # the person's own notifications (ADR 0032): subjects and texts that hold no report text,
    # never another person's (tests/notices/test_notifications.py)
    "web:notifications":       page("", "?hal=2"),
    "web:positions":           page(),  # a redirect to accounts:manage
    "web:saved_view":          post_only("saves or deletes the officer's own queue filter (a query string, no report data)"),
    "web:response_templates":  page(),  # an agency's reply templates (no report data)
    # sign-in and accounts
    "login":                   page(),
    "logout":                  post_only("signs out"),
    "set_language":            post_only("sets the language cookie"),
    "accounts:signup":                  page(),
    "accounts:signup_verify":           page(),
    "accounts:signup_resend":           post_only("sends a new code to the address being verified"),
    "accounts:password_reset":          page(),
    "accounts:password_reset_confirm":  page(),
    "accounts:two_factor_verify":       page(),
    "accounts:two_factor_enrol":        page(),
    "accounts:two_factor_qr":           page(),
    "accounts:two_factor_settings":     page(),
    "accounts:two_factor_backup_codes": post_only("issues the signed-in person's backup codes"),
    "accounts:two_factor_turn_off":     post_only("turns off the signed-in person's second factor"),
    "accounts:notice_settings":         page(),  # the holder's own positions' e-mail settings (no report data)
    "accounts:api_clients":             page(),  # agencies' API clients: names, scopes, key prefixes (no report data)
    "accounts:manage":                  page(),
    "accounts:hand_over":               post_only("hands a position over (no report data)"),
    "accounts:position_deactivate":     post_only("deactivates a position"),
    "accounts:position_reactivate":     post_only("reactivates a position"),
    "accounts:new_account":             page(kwargs=_position_id),
    "accounts:account_deactivate":      post_only("deactivates an official's account"),
    "accounts:account_reactivate":      post_only("reactivates an official's account"),
    # agencies' decrees (SK)
    "agencies:decrees":        page(),
    "agencies:decree_file":    page(kwargs=lambda pw: {"decree_id": 1}),
    "agencies:decree_revoke":  post_only("revokes a decree record"),
    # the audit trail and its export
    "audit:entries":           page(_audit_queries),
    "audit:transitions":       page(_transition_queries),
    "audit:export":            page(_audit_queries),
    # the user survey: no report data; free text only for the national admin, redacted (tests/survey)
    "survey:index":            page(),
    "survey:answer":           page(kwargs=lambda pw: {"survey_id": 1}),  # its POST writes an anonymous response (tests/survey)
    "survey:thanks":           page(kwargs=lambda pw: {"survey_id": 1}),
    "survey:results":          page(kwargs=lambda pw: {"survey_id": 1}),
    "survey:results_export":   page(kwargs=lambda pw: {"survey_id": 1, "table": "jawaban", "fmt": "csv"}),  # no identity at all (tests/survey/test_exports.py)
    # monitoring dashboards (aggregates) and their exports; the open-report list (titles through readable_text, no identity)
    "monev:index":             page(),
    "monev:national":          page("", "?tabel=instansi&unduh=csv"),
    "monev:ksp":               page("", "?tabel=instansi&unduh=csv"),
    "monev:ombudsman":         page("", "?tabel=indikator&unduh=csv"),
    "monev:province":          page(kwargs=lambda pw: {"code": "35"}),
    "monev:coordinator":       page("", "?tabel=instansi&unduh=csv", kwargs=lambda pw: {"code": "prov-35"}),
    "monev:agency":            page("", "?tabel=beban-pejabat&unduh=csv", "?unduh=pdf", kwargs=lambda pw: {"code": "kota-35-78"}),  # the PDF: tests/monev/test_pdf.py
    "monev:open_reports":      page("", "?unduh=csv", "?unit=kota-35-78-disdik&unduh=csv", kwargs=lambda pw: {"code": "kota-35-78"}),  # tests/monev/test_exports.py
    # evaluation records (ADR 0017): the review page shows sampled follow-ups through the access policy (tests/monev/test_evaluation.py)
    "monev:evaluation_reviews":           page(),
    "monev:evaluation_reviews_export":    page(kwargs=_scored_review_export),  # scores: tracking numbers only through the policy, no text (tests/monev/test_evaluation_exports.py)
    "monev:evaluation_review":            page(kwargs=_evaluation_review),  # its POST scores one sampled follow-up
    "monev:evaluation_review_export":     page(kwargs=lambda pw: {**_scored_review_export(pw), **_evaluation_review(pw)}),
    "monev:evaluation_preventive":        page(),
    "monev:evaluation_preventive_export": page(kwargs=lambda pw: {"fmt": "csv"}),
    "monev:evaluation_preventive_status": post_only("changes a preventive action's status (no report data)"),
    "monev:evaluation_plans":             page(),
    "monev:evaluation_plans_export":      page(kwargs=_plans_export),
    "monev:evaluation_plan":              page(kwargs=_evaluation_plan),
    "monev:evaluation_plan_export":       page(kwargs=lambda pw: {**_planned_item(pw), "fmt": "csv"}),
    "monev:evaluation_plan_item":         post_only("updates an action-plan item's progress (no report data)"),
    "monev:evaluation_ranking":           page("", "?dari=2026-01-01&sampai=2026-12-31", "?dari=2026-01-01&sampai=2026-12-31&provinsi=35"),
    # the API's own pages (its operations are classified by API_ROUTES)
    "api:openapi-json":        page(same_for_all=True),
    "api:openapi-view":        page(same_for_all=True),
    "api:api-root":            page(),
}

# The API, by "METHOD path" as in its OpenAPI document.
_ACTIONS = ["dispose", "request-info", "reject", "forward", "not-our-authority", "archive", "dismiss-appeal", "respond",
            "follow-up", "interim-reply", "supplement", "reply", "rate", "appeal", "ombudsman-consent", "ombudsman-decline",
            "ombudsman-outcome"]
API_ROUTES: dict[str, Route] = {
    "POST /api/v1/reports":                                  submission(),
    "POST /api/v1/reports/with-attachments":                 submission(),
    "GET /api/v1/reports":                                   listing("api_list", "?page_size=200", "?queue=true&page_size=200", "?status=at_agency&overdue=false",
                                                                     "?queue=true&status=in_process"),
    "GET /api/v1/track/{tracking_number}":                   read("track_api"),
    "GET /api/v1/reports/{tracking_number}":                 read("api_detail"),
    "POST /api/v1/reports/{tracking_number}/reveal-identity": action("test_identity_reveal"),
    **{f"POST /api/v1/reports/{{tracking_number}}/{a}":       action("test_actions") for a in _ACTIONS},
    # reference codes for integrators: public, no report data, the same for every caller (tests/api/test_reference.py)
    "GET /api/v1/regions":                                   page("", "?parent=35", "?parent=35.78.01", same_for_all=True),
    "GET /api/v1/categories":                                page("", "?active=false", same_for_all=True),
    "GET /api/v1/agencies":                                  page("?page_size=200", "?parent=kota-35-78", "?q=kota", same_for_all=True),
    "GET /api/v1/sla-policies":                              page(same_for_all=True),
}
# fmt: on
ADMIN_PREFIX = "admin:"
