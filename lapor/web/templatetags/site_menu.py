"""The site menu's entries for the signed-in person (lapor.web.landing decides them), worked
out once per request."""

from django import template

from ..landing import menu_for

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(request, "_site_menu"):
        request._site_menu = menu_for(user)
    return request._site_menu
