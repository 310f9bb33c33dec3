"""Validation of a new report, shared by the web form, the API and (later) the gateways.

Returns clean values or raises InvalidInput naming the field, with a message for the reporter.
Nothing is written here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from lapor.agencies import lookups
from lapor.agencies.lookups import CategoryInfo
from lapor.agencies.models import Agency
from lapor.agencies.selectors import may_receive
from lapor.core import clock
from lapor.core.errors import InvalidInput, raise_all
from lapor.notify.models import PhoneChannel

from .states import Channel, ReportType

TITLE_MIN, TITLE_MAX = 10, 200
DESCRIPTION_MIN, DESCRIPTION_MAX = 30, 10_000
# Indonesia's extent, with a margin: a point outside is a typo or swapped coordinates.
LAT_RANGE = (Decimal("-11.5"), Decimal("6.5"))
LON_RANGE = (Decimal("94.5"), Decimal("141.5"))
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{6,18}$")


@dataclass
class CleanSubmission:
    type: str
    title: str
    description: str
    event_date: date | None
    region_code: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    category: CategoryInfo | None
    target_agency: Agency | None
    is_anonymous: bool
    is_confidential: bool
    channel: str
    contact_name: str
    contact_email: str
    contact_phone: str
    phone_channel: str = PhoneChannel.SMS

    def fingerprint(self) -> dict:
        """A stable description of the request, for idempotency checks."""
        return {
            "type": self.type,
            "title": self.title,
            "description": self.description,
            "event_date": self.event_date.isoformat() if self.event_date else None,
            "region": self.region_code,
            "address": self.address,
            "lat": str(self.latitude) if self.latitude is not None else None,
            "lon": str(self.longitude) if self.longitude is not None else None,
            "category": self.category.code if self.category else None,
            "target_agency": self.target_agency.code if self.target_agency else None,
            "anonymous": self.is_anonymous,
            "confidential": self.is_confidential,
            "channel": self.channel,
            "contact": [self.contact_name, self.contact_email, self.contact_phone, self.phone_channel],
        }


def _text(data: dict, name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(_("The field “%(field)s” must be text.") % {"field": name}, field=name)
    return value.replace("\x00", "").strip()


def _bool(data: dict, name: str) -> bool:
    value = data.get(name, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in {"1", "true", "on", "yes", "ya"}:
        return True
    if value in (None, "", 0) or (isinstance(value, str) and value.lower() in {"0", "false", "off", "no", "tidak"}):
        return False
    raise InvalidInput(_("The field “%(field)s” must be true or false.") % {"field": name}, field=name)


def _decimal(data: dict, name: str) -> Decimal | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("The field “%(field)s” must be a number.") % {"field": name}, field=name)
    if not number.is_finite():
        raise InvalidInput(_("The field “%(field)s” must be a number.") % {"field": name}, field=name)
    return number.quantize(Decimal("0.000001"))


def clean_submission(data: dict) -> CleanSubmission:
    """The submission's clean values, or InvalidInput for its first problem carrying every
    problem found (`.all`, in the form's order): a citizen fixes them all in one round trip."""
    problems: list[InvalidInput] = []

    def text(name: str) -> str:
        try:
            return _text(data, name)
        except InvalidInput as error:
            problems.append(error)
            return ""

    def refuse(message: str, field: str) -> None:
        if not any(p.field == field for p in problems):  # one problem per field: the first
            problems.append(InvalidInput(message, field=field))

    report_type = text("type") or ReportType.COMPLAINT
    if report_type not in ReportType.values:
        refuse(_("Please choose the type: complaint, aspiration or information request."), "type")

    title = text("title")
    if len(title) < TITLE_MIN:
        refuse(_("The title must be at least %(n)d characters.") % {"n": TITLE_MIN}, "title")
    elif len(title) > TITLE_MAX:
        refuse(_("The title must be at most %(n)d characters.") % {"n": TITLE_MAX}, "title")

    description = text("description")
    if len(description) < DESCRIPTION_MIN:
        refuse(_("Please describe what happened, where and when, in at least %(n)d characters.") % {"n": DESCRIPTION_MIN},
               "description")
    elif len(description) > DESCRIPTION_MAX:
        refuse(_("The description must be at most %(n)d characters.") % {"n": DESCRIPTION_MAX}, "description")

    event_date = None
    raw_date = data.get("event_date")
    if raw_date not in (None, ""):
        if isinstance(raw_date, date) and not isinstance(raw_date, datetime):
            event_date = raw_date
        else:
            try:
                event_date = date.fromisoformat(str(raw_date))
            except ValueError:
                refuse(_("The date of the event must be a date (YYYY-MM-DD)."), "event_date")
        today = clock.today_wib()
        if event_date is not None and event_date > today:
            refuse(_("The date of the event cannot be in the future."), "event_date")
            event_date = None

    region_code = text("region_code")
    if not region_code:
        refuse(_("Please choose where it happened (at least the province)."), "region_code")
    elif not lookups.region_exists(region_code):
        refuse(_("There is no region with the code “%(code)s”.") % {"code": region_code[:20]}, "region_code")

    address = text("address")
    if len(address) > 300:
        refuse(_("The address must be at most 300 characters."), "address")

    latitude = longitude = None
    try:
        latitude, longitude = _decimal(data, "latitude"), _decimal(data, "longitude")
    except InvalidInput as error:
        problems.append(error)
    else:
        if (latitude is None) != (longitude is None):
            refuse(_("Please give both latitude and longitude, or neither."), "latitude")
        elif latitude is not None and not (LAT_RANGE[0] <= latitude <= LAT_RANGE[1] and LON_RANGE[0] <= longitude <= LON_RANGE[1]):
            refuse(_("The coordinates are outside Indonesia."), "latitude")

    category = None
    category_code = text("category_code")
    if category_code:
        category = lookups.category_by_code(category_code)
        today = clock.today_wib()
        if category is None or not category.is_active_on(today):
            refuse(_("There is no active category with the code “%(code)s”.") % {"code": category_code[:60]}, "category_code")

    target_agency = None
    agency_code = text("target_agency_code")
    if agency_code:
        target_agency = lookups.agency_by_code(agency_code)
        if target_agency is None or not may_receive(target_agency):  # inactive, or never receives
            refuse(_("There is no agency with the code “%(code)s” to send reports to.") % {"code": agency_code[:60]},
                   "target_agency_code")

    channel = text("channel") or Channel.WEB
    if channel not in Channel.values:
        refuse(_("Unknown channel “%(channel)s”.") % {"channel": channel[:20]}, "channel")

    contact_name = text("contact_name")
    if len(contact_name) > 150:
        refuse(_("The name must be at most 150 characters."), "contact_name")
    contact_email = text("contact_email")
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            refuse(_("Please give a valid e-mail address."), "contact_email")
    contact_phone = text("contact_phone")
    if contact_phone and not PHONE_RE.match(contact_phone):
        refuse(_("Please give a valid phone number, e.g. 0812 3456 7890."), "contact_phone")
    phone_channel = text("phone_channel") or PhoneChannel.SMS
    if phone_channel not in PhoneChannel.values:
        refuse(_("Messages to a phone go by SMS or by WhatsApp."), "phone_channel")

    flags = {}
    for name in ("is_anonymous", "is_confidential"):
        try:
            flags[name] = _bool(data, name)
        except InvalidInput as error:
            problems.append(error)
    if problems:
        raise_all(problems)

    return CleanSubmission(
        type=report_type,
        title=title,
        description=description,
        event_date=event_date,
        region_code=region_code,
        address=address,
        latitude=latitude,
        longitude=longitude,
        category=category,
        target_agency=target_agency,
        is_anonymous=flags["is_anonymous"],
        is_confidential=flags["is_confidential"],
        channel=channel,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        phone_channel=phone_channel,
    )
