from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """mapping[key], or None: for the per-question errors and values of the answer form."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def svg_number(value) -> str:
    """A number for an SVG attribute: a dot as the decimal mark, whatever the page's language."""
    return format(value, "g") if value is not None else "0"


@register.filter
def times(value, factor) -> str:
    """value × factor for an SVG coordinate (Decimal and float mixed safely)."""
    return svg_number(round(float(value) * float(factor), 2))


@register.filter
def add_number(value, other) -> str:
    return svg_number(round(float(value) + float(other), 2))
