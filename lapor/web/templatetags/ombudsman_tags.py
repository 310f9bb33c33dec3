"""The Ombudsman's outcome in templates (ADR 0023): its label, the choices open on a report, and
whether the positions on a page open the Ombudsman's list. The rules themselves stay in
lapor.reports (states, effects, ombudsman); these only read them."""

from django import template

from lapor.accounts.actors import Actor
from lapor.reports import ombudsman
from lapor.reports.effects import next_ombudsman_outcomes
from lapor.reports.states import OmbudsmanOutcome

register = template.Library()


@register.filter(name="ombudsman_outcome")
def ombudsman_outcome_label(value) -> str:
    """"resolved" -> its label in the reader's language ("" for no or an unknown outcome)."""
    return OmbudsmanOutcome(value).label if value in OmbudsmanOutcome.values else ""


@register.simple_tag
def ombudsman_outcome_choices(report) -> list[tuple[str, str]]:
    """(value, label) of the outcomes the Ombudsman may record next on this report."""
    return [(str(value), OmbudsmanOutcome(value).label) for value in next_ombudsman_outcomes(report)]


@register.filter
def opens_ombudsman_list(positions) -> bool:
    """Whether one of these positions (the signed-in official's) opens the Ombudsman's list."""
    return ombudsman.may_use_list(Actor(positions=tuple(positions or ())))
