"""Template filters for numbers, the one definition of lapor/core/numbers.py (ADR 0022):
`{% load numbers %}`, then `{{ figure|number }}` and `{{ rate|percent }}` for people (localised,
grouped, "—" for None) and `{{ x|machine }}` for an attribute a program reads (SVG geometry,
data-* attributes: never localised)."""

from django import template

from lapor.core.numbers import human_number, human_percent, machine_number

register = template.Library()


@register.filter
def number(value) -> str:
    return human_number(value)


@register.filter
def percent(value) -> str:
    return human_percent(value)


@register.filter
def machine(value) -> str:
    return machine_number(value)
