from django import template

from lapor.core.numbers import machine_number

register = template.Library()


@register.filter
def get(mapping, key):
    """mapping[key], or None: for the per-question errors and values of the answer form."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def svg_number(value) -> str:
    """A number for an SVG attribute: a machine number (lapor/core/numbers.py, ADR 0022), a dot
    as the decimal mark whatever the page's language."""
    return machine_number(value)


@register.filter
def times(value, factor) -> str:
    """value × factor for an SVG coordinate (Decimal and float mixed safely)."""
    return svg_number(round(float(value) * float(factor), 2))


@register.filter
def add_number(value, other) -> str:
    return svg_number(round(float(value) + float(other), 2))
