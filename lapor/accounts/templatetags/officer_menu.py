"""The officers' menu entries: each shown only to the roles that may use its page (the pages
check again; the menu only avoids offering what would be refused)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def officer_menu(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(request, "_officer_menu", None)
    if cached is None:
        from lapor.accounts.services import may_manage
        from lapor.agencies.selectors import may_see_decrees
        from lapor.audit.selectors import may_read_audit
        from lapor.monev.dashboards import entries_for
        from lapor.monev.evaluation import may_evaluate, may_read_plans
        from lapor.reports.actors import Actor
        from lapor.reports.responses import agencies_managed

        actor = Actor.for_user(user)
        cached = {
            "manage": may_manage(actor),
            "decrees": may_see_decrees(actor),
            "audit": may_read_audit(actor),
            "templates": bool(agencies_managed(actor)),
            "monitoring": bool(entries_for(actor)),
            # Evaluation records (ADR 0017): evaluators start at the reviews, liaison officers at the action plans.
            "evaluation": "reviews" if may_evaluate(actor) else "plans" if may_read_plans(actor) else "",
        }
        request._officer_menu = cached
    return cached
