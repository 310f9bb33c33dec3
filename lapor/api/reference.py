"""Reference codes for integrators: regions, categories, agencies and SLA policies.

Agencies' own complaint apps build their forms from these instead of scraping pages. Read-only
and public: the answer is the same for every caller (no personal data, no authentication), so
shared caches may keep it for a few minutes. Every query parameter is checked here, in the
client's language (422, the parameter named in `field`); an unknown parent is a 404."""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.core.validators import slug_re
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from lapor.agencies import lookups, selectors
from lapor.agencies.models import Agency, Region, SlaPolicy
from lapor.core.errors import NotFound

from .schemas import ErrorOut

router = Router(tags=["reference"])

ERRORS = {404: ErrorOut, 422: ErrorOut}
# Reference data changes rarely (the in-process look-ups refresh every minute or ten).
MAX_AGE = 600
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200
MAX_QUERY = 100
AGENCY_CODE_MAX = Agency._meta.get_field("code").max_length
# The models' choices as inline enums of the OpenAPI document (a shared component named "Kind"
# or "Unit" would collide with the next enumeration of that name).
AgencyKind = Literal[tuple(Agency.Kind.values)]
RegionLevel = Literal[tuple(Region.Level.values)]
SlaStage = Literal[tuple(SlaPolicy.Stage.values)]
SlaUnit = Literal[tuple(SlaPolicy.Unit.values)]


def _invalid(message: str) -> PydanticCustomError:
    # The message is already translated and carries no user input (a template's braces would be
    # read as placeholders).
    return PydanticCustomError("invalid", message)


def _whole_number(value, low: int, high: int, message: str) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or len(text) > len(str(high)) or not low <= int(text) <= high:
        raise _invalid(message)
    return int(text)


def _truth(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise _invalid(_("“active” must be true or false."))


def _public(response: HttpResponse) -> None:
    patch_cache_control(response, public=True, max_age=MAX_AGE)


# --- regions -----------------------------------------------------------------------------------------
class RegionQuery(Schema):
    parent: str = Field("", description="Kemendagri code of the parent region, e.g. 35 or 35.78.01; empty: the provinces.")

    @field_validator("parent", mode="before")
    @classmethod
    def _parent(cls, value):
        code = str(value or "").strip()
        if code and not lookups.is_region_code(code):
            raise _invalid(_("The parent is not a Kemendagri region code (such as 35, 35.78, 35.78.01 or 35.78.01.1001)."))
        return code


class RegionOut(Schema):
    code: str = Field(description="Kemendagri code, the value of `region_code` when submitting.")
    name: str
    level: RegionLevel
    kind: str = Field(description="kabupaten or kota for a regency, desa or kelurahan for a village; empty otherwise.")


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, summary="Regions under a region (or the provinces)")
def regions(request, response: HttpResponse, filters: Query[RegionQuery]):
    """The regions directly under `parent`, by code: province > regency/city > district > village."""
    if filters.parent and not lookups.region_exists(filters.parent):
        raise NotFound(_("There is no region with the code “%(code)s”.") % {"code": filters.parent}, field="parent")
    _public(response)
    return [{"code": r.code, "name": r.name, "level": r.level, "kind": r.kind} for r in selectors.regions_under(filters.parent, order_by="code")]


# --- categories --------------------------------------------------------------------------------------
class CategoryQuery(Schema):
    active: bool = Field(True, description="true: only the categories a report may be filed under today (WIB); false: all of them.")

    @field_validator("active", mode="before")
    @classmethod
    def _active(cls, value):
        return _truth(value)


class CategoryOut(Schema):
    code: str = Field(description="The value of `category_code` when submitting.")
    name: str
    is_priority: bool = Field(description="A national priority programme (supervised by KSP).")
    active_from: date | None
    active_until: date | None
    children: list[CategoryOut]


def _category(node) -> dict:
    c = node.category
    return {"code": c.code, "name": c.name, "is_priority": c.is_priority, "active_from": c.active_from,
            "active_until": c.active_until, "children": [_category(child) for child in node.children]}


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="The category tree")
def categories(request, response: HttpResponse, filters: Query[CategoryQuery]):
    """Top-level categories with their sub-categories, each level by name."""
    _public(response)
    return [_category(node) for node in selectors.category_tree(active_only=filters.active)]


# --- agencies ----------------------------------------------------------------------------------------
class AgencyQuery(Schema):
    q: str = Field("", max_length=MAX_QUERY, description="Text in the name, or the exact short name (any case).")
    kind: AgencyKind | None = Field(None, description="Only agencies of this kind (unit: only units).")
    parent: str = Field("", max_length=AGENCY_CODE_MAX, description="Code of an agency: only its units.")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    @field_validator("q", mode="before")
    @classmethod
    def _query(cls, value):
        text = str(value or "").strip()
        if len(text) > MAX_QUERY:
            raise _invalid(_("The search text may have at most %(max)d characters.") % {"max": MAX_QUERY})
        return text

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value):
        if value in (None, ""):
            return None
        if value not in Agency.Kind.values:
            raise _invalid(_("The kind must be one of: %(kinds)s.") % {"kinds": ", ".join(Agency.Kind.values)})
        return value

    @field_validator("parent", mode="before")
    @classmethod
    def _parent(cls, value):
        code = str(value or "").strip()
        if code and (len(code) > AGENCY_CODE_MAX or not slug_re.match(code)):
            raise _invalid(_("The parent is not an agency code (letters, digits and hyphens, e.g. kota-35-78)."))
        return code

    @field_validator("page", mode="before")
    @classmethod
    def _page(cls, value):
        return _whole_number(value, 1, MAX_PAGE, _("The page must be a whole number from 1 to %(max)d.") % {"max": MAX_PAGE})

    @field_validator("page_size", mode="before")
    @classmethod
    def _page_size(cls, value):
        return _whole_number(value, 1, MAX_PAGE_SIZE, _("The page size must be a whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE})


class AgencyOut(Schema):
    code: str = Field(description="The value of `target_agency_code` when submitting.")
    name: str
    short_name: str
    kind: AgencyKind
    parent_code: str | None = Field(description="The agency a unit belongs to.")
    receives_reports: bool = Field(
        description="Whether a report may be sent to it (`target_agency_code`): units get reports only when their agency forwards them."
    )


class AgencyPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AgencyOut]


@router.get("/agencies", response={200: AgencyPage, **ERRORS}, summary="Agencies and their units")
def agencies(request, response: HttpResponse, filters: Query[AgencyQuery]):
    """Active agencies and units, by name."""
    parent_id = None
    if filters.parent:
        parent = lookups.agency_by_code(filters.parent)
        if parent is None or not parent.is_active:
            raise NotFound(_("There is no agency with the code “%(code)s”.") % {"code": filters.parent}, field="parent")
        parent_id = parent.pk
    found = selectors.agency_directory(query=filters.q, kind=filters.kind or "", parent_id=parent_id)
    page, size = filters.page, filters.page_size
    rows = [
        {"code": a.code, "name": a.name, "short_name": a.short_name, "kind": a.kind, "parent_code": a.parent.code if a.parent_id else None,
         "receives_reports": selectors.may_receive(a)}
        for a in found[(page - 1) * size : page * size]
    ]
    _public(response)
    return {"count": found.count(), "page": page, "page_size": size, "results": rows}


# --- SLA policies ------------------------------------------------------------------------------------
class SlaPolicyOut(Schema):
    stage: SlaStage
    stage_label: str
    agency_code: str | None = Field(description="Set when the policy is an agency's own (its units follow it).")
    category_code: str | None = Field(description="Set when the policy is for a category.")
    duration: int
    unit: SlaUnit = Field(
        description="working_days: weekdays that are neither a public holiday nor joint leave (cuti bersama); a deadline of N "
        "working days is the end of the N-th working day after the start, in the agency's time zone."
    )
    description: str = Field(description="In words, e.g. “5 working days”.")


@router.get("/sla-policies", response={200: list[SlaPolicyOut], **ERRORS}, summary="SLA policies in force")
def sla_policies(request, response: HttpResponse):
    """How long each stage may take. For a report the most specific policy applies: agency and
    category, then agency, then category, then the stage's default (listed first)."""
    _public(response)
    return [
        {"stage": r.stage, "stage_label": str(SlaPolicy.Stage(r.stage).label), "agency_code": r.agency_code, "category_code": r.category_code,
         "duration": r.sla.duration, "unit": r.sla.unit, "description": r.sla.describe()}
        for r in selectors.sla_policies_in_force()
    ]
