"""Reading the evaluation forms' fields (lapor/monev/evaluation.py): each parser answers a value
or an `InvalidInput` naming the field and saying what is expected, in the user's language."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from lapor.agencies.models import Agency
from lapor.core.errors import InvalidInput

from .models import EvaluationStatus
from .scopes import NOT_HANDLERS, Period

SCORE_MIN, SCORE_MAX = 1, 4


def agency(code: str) -> Agency:
    """An agency that handles reports (a top agency), by its code."""
    code = (code or "").strip()
    if not code:
        raise InvalidInput(_("Choose an agency."), field="agency")
    found = Agency.objects.filter(code=code).first()
    if found is None:
        raise InvalidInput(_("There is no agency with the code %(code)s.") % {"code": code}, field="agency")
    if found.parent_id is not None or found.kind in NOT_HANDLERS:
        raise InvalidInput(_("%(agency)s is not an agency that handles reports.") % {"agency": found.name}, field="agency")
    return found


def day(value, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput(_("%(label)s is not a date (YYYY-MM-DD).") % {"label": label}, field=field) from None


def period(first, last) -> Period:
    first_day = day(first, "first", _("The first day"))
    last_day = day(last, "last", _("The last day"))
    if last_day < first_day:
        raise InvalidInput(_("The period ends before it starts."), field="last")
    return Period(first_day, last_day)


def text(value, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("%(label)s is required.") % {"label": label}, field=field)
    if len(value) > max_length:
        raise InvalidInput(
            _("%(label)s is too long: at most %(n)d characters.") % {"label": label, "n": max_length}, field=field
        )
    return value


def status(value, field: str = "status") -> str:
    if value not in EvaluationStatus.values:
        raise InvalidInput(_("Choose a status from the list."), field=field)
    return value


def score(value, field: str, label: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not SCORE_MIN <= number <= SCORE_MAX:
        raise InvalidInput(
            _("Score “%(criterion)s” from %(min)d to %(max)d.") % {"criterion": label, "min": SCORE_MIN, "max": SCORE_MAX},
            field=field,
        )
    return number


def progress(value) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not 0 <= number <= 100:
        raise InvalidInput(_("Progress is a whole percentage from 0 to 100."), field="progress")
    return number
