"""Reads over the agency registry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q

from lapor.accounts.models import Role
from lapor.accounts.page_access import Page, allows
from lapor.core import clock

from .models import Agency, AgencyDecree, Category, Region, SlaPolicy
from .sla import DEFAULTS, Sla


def agency_and_units(agency_ids: set[int]) -> set[int]:
    """The agencies and all their nested units (a unit tree is shallow: one query per level)."""
    found = set(agency_ids)
    frontier = set(agency_ids)
    while frontier:
        frontier = set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def category_and_below(category_id: int) -> set[int]:
    """The category and every category under it (one query per level)."""
    found = frontier = {category_id}
    while frontier:
        frontier = set(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found = found | frontier
    return found


# --- where a report may go ---------------------------------------------------------------------------
# A report goes to an agency, whose admin forwards it to a unit; never to a unit directly, and never
# back to the national desk, which sends reports on. One definition for the forms, the effects and
# the API alike.
NEVER_RECEIVES = (Agency.Kind.UNIT, Agency.Kind.NATIONAL_DESK)


def tops(parents: dict[int, int | None]) -> dict[int, int]:
    """Each node of a tree of agencies or of categories (`parents`: id -> its parent's id, None
    at the top) -> the one at its top. A parent missing from the map counts as a top; a cycle in
    bad data ends the walk where it closes."""
    top = {}
    for pk in parents:
        node, seen = pk, {pk}
        while parents.get(node) is not None and parents[node] not in seen:
            node = parents[node]
            seen.add(node)
        top[pk] = node
    return top


def receiving_agencies():
    """Active agencies a report may be disposed to, or filed with directly by its reporter."""
    return Agency.objects.exclude(kind__in=NEVER_RECEIVES).filter(is_active=True)


def may_receive(agency) -> bool:
    return agency.is_active and agency.kind not in NEVER_RECEIVES


def competent_agencies(answering_agency_id: int | None = None):
    """Agencies a "not our authority" answer may name as competent: those that receive reports,
    but not the Ombudsman (an external supervisor: a case reaches it only with the reporter's
    consent after the 60-day offer) nor the answering agency itself."""
    found = receiving_agencies().exclude(kind=Agency.Kind.OMBUDSMAN)
    return found.exclude(pk=answering_agency_id) if answering_agency_id else found


def may_be_named_competent(agency, answering_agency_id: int | None) -> bool:
    return may_receive(agency) and agency.kind != Agency.Kind.OMBUDSMAN and agency.pk != answering_agency_id


def agencies_matching(query: str, among=None):
    """Agencies among `among` (default: every active agency and unit) whose name contains
    `query`, or whose short name is `query` (any case): the one name search, used by the form's
    agency suggestions and the API's agency list alike."""
    among = among if among is not None else Agency.objects.filter(is_active=True)
    return among.filter(Q(name__icontains=query) | Q(short_name__iexact=query))


def agency_directory(*, query: str = "", kind: str = "", parent_id: int | None = None):
    """Active agencies and units by name (then code, so pages do not overlap), with their parent:
    those whose name matches `query` (agencies_matching), of `kind`, directly under `parent_id`."""
    found = Agency.objects.filter(is_active=True).select_related("parent")
    if query:
        found = agencies_matching(query, found)
    if kind:
        found = found.filter(kind=kind)
    if parent_id is not None:
        found = found.filter(parent_id=parent_id)
    return found.order_by("name", "code")


def agency_named(name: str, among=None) -> Agency | None:
    """The one agency among `among` (default: those that receive reports) whose name or short
    name is `name` (any case); None when none is, or several are."""
    found = list((among if among is not None else receiving_agencies()).filter(Q(name__iexact=name) | Q(short_name__iexact=name))[:2])
    return found[0] if len(found) == 1 else None


def _receives_forwards() -> Q:
    """An agency or unit a report may be forwarded to: active, with a liaison officer's post that
    someone holds (otherwise the report would wait for a post nobody holds)."""
    return Q(is_active=True, positions__role=Role.LIAISON_OFFICER, positions__is_active=True,
             positions__holder__isnull=False)


def forward_targets(agency_ids: set[int]) -> list[Agency]:
    """The agencies themselves and all their nested units a report may be forwarded to, by name."""
    return list(Agency.objects.filter(_receives_forwards(), pk__in=agency_and_units(agency_ids)).distinct().order_by("name"))


def receives_forwards(agency: Agency) -> bool:
    return Agency.objects.filter(_receives_forwards(), pk=agency.pk).exists()


# --- categories ----------------------------------------------------------------------------------
def active_categories():
    """Categories a report may be filed under today (WIB): the one definition, used by the
    form's lists, its search and the intake check alike."""
    today = clock.today_wib()
    return Category.objects.filter(Q(active_from__isnull=True) | Q(active_from__lte=today),
                                   Q(active_until__isnull=True) | Q(active_until__gte=today))


@dataclass
class CategoryNode:
    category: Category
    children: list[CategoryNode] = field(default_factory=list)


def category_tree(*, active_only: bool = True) -> list[CategoryNode]:
    """The taxonomy as a tree (top-level categories with their children), each level by name;
    with `active_only`, only categories active today (active_categories) under active parents,
    as the form offers them. One query."""
    rows = list((active_categories() if active_only else Category.objects.all()).order_by("name", "code"))
    nodes = {c.pk: CategoryNode(c) for c in rows}
    roots = []
    for category in rows:
        if category.parent_id is None:
            roots.append(nodes[category.pk])
        elif category.parent_id in nodes:  # a child of an inactive category is not offered
            nodes[category.parent_id].children.append(nodes[category.pk])
    return roots


def top_categories():
    """Top-level categories, by name (the filters of the queue and the feed)."""
    return Category.objects.filter(parent__isnull=True).order_by("name")


def provinces():
    return Region.objects.filter(level=Region.Level.PROVINCE).order_by("name")


def regions_under(code: str, *, order_by: str = "name"):
    """The regions one level below this one, by name (or `order_by`); the provinces when `code`
    is empty."""
    return (Region.objects.filter(parent_id=code) if code else provinces()).order_by(order_by)


def category_id_of(code: str) -> int | None:
    """The id of the category with this code, or None (a filter's value from a URL)."""
    return Category.objects.filter(code=code).values_list("pk", flat=True).first()


def is_province(code: str) -> bool:
    return Region.objects.filter(code=code, level=Region.Level.PROVINCE).exists()


def category_label(category) -> str:
    """"Name (Parent)" for a sub-category, as suggestions and search results show it."""
    return f"{category.name} ({category.parent.name})" if category.parent_id else category.name


def categories_matching(query: str, limit: int = 20) -> list:
    """Active categories whose name, or whose parent's name, has a word starting with each word
    of `query` ("jalan" finds "JALAN RUSAK", never "menJALANkan"). Ranked: the name equal to the
    query, then names starting with it, then a word of the name, then only the parent's name;
    alphabetical within a rank."""
    words = [w for w in re.split(r"\W+", query.lower()) if w]
    if not words:
        return []
    # A coarse filter in SQL (contains), the word-start rule in Python: categories number in
    # the hundreds, and SQLite and PostgreSQL disagree on word boundaries in regular expressions.
    coarse = Q()
    for word in words:
        coarse &= Q(name__icontains=word) | Q(parent__name__icontains=word)
    starts = [re.compile(r"(?<!\w)" + re.escape(w), re.IGNORECASE) for w in words]
    phrase = " ".join(words)
    ranked = []
    for category in active_categories().filter(coarse).select_related("parent"):
        name = category.name.lower()
        own = all(s.search(category.name) for s in starts)
        if not own and not all(s.search(category.name) or (category.parent_id and s.search(category.parent.name)) for s in starts):
            continue
        rank = 0 if name == phrase else 1 if name.startswith(phrase) else 2 if own else 3
        ranked.append((rank, category_label(category).lower(), category))
    ranked.sort(key=lambda r: r[:2])
    return [c for _rank, _label, c in ranked[:limit]]


# --- SLA policies ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SlaRow:
    stage: str
    agency_code: str | None
    category_code: str | None
    sla: Sla


def sla_policies_in_force() -> list[SlaRow]:
    """Every policy sla.sla_for may apply, by stage: first the stage's default (its row, or the
    built-in default when there is none), then the rows for an agency, a category, or both."""
    order = {stage: n for n, stage in enumerate(SlaPolicy.Stage.values)}
    rows = [SlaRow(p.stage, p.agency.code if p.agency_id else None, p.category.code if p.category_id else None, Sla(p.duration, p.unit))
            for p in SlaPolicy.objects.select_related("agency", "category")]
    have_default = {r.stage for r in rows if r.agency_code is None and r.category_code is None}
    rows += [SlaRow(stage, None, None, Sla(*DEFAULTS[stage])) for stage in DEFAULTS if stage not in have_default]
    return sorted(rows, key=lambda r: (order.get(r.stage, len(order)), r.agency_code is not None, r.category_code is not None,
                                       r.agency_code or "", r.category_code or ""))


# --- decrees (SK) ------------------------------------------------------------------------------
def decree_of(agency) -> AgencyDecree | None:
    """The agency's decree in force (the latest by date), or None. Feeds the connectivity
    indicator (keterhubungan): an agency is connected on paper when it has one."""
    return AgencyDecree.objects.filter(agency=agency, revoked_at__isnull=True).order_by("-date", "-pk").first()


def agency_has_decree(agency) -> bool:
    return AgencyDecree.objects.filter(agency=agency, revoked_at__isnull=True).exists()


def decree_agencies_of(actor) -> set[int] | None:
    """Agencies whose decrees the actor may read (None: all). The national desk reads every
    agency's; an agency admin and an APIP auditor those of their agency and its units."""
    if actor.has_role(Role.NATIONAL_ADMIN):
        return None
    roots = {p.agency_id for p in actor.positions if p.role in (Role.AGENCY_ADMIN, Role.AUDITOR)}
    return agency_and_units(roots) if roots else set()


def decrees_visible_to(actor):
    agencies = decree_agencies_of(actor)
    decrees = AgencyDecree.objects.select_related("agency", "recorded_by", "revoked_by")
    return decrees if agencies is None else decrees.filter(agency_id__in=agencies)


def decree_recording_agencies(actor):
    """Agencies the actor may record decrees for: the agencies where they are agency admin; the
    national desk records for any active agency that is not a unit (it keeps the registry)."""
    if actor.has_role(Role.NATIONAL_ADMIN):
        return Agency.objects.filter(is_active=True).exclude(kind__in=[Agency.Kind.UNIT, Agency.Kind.NATIONAL_DESK])
    return Agency.objects.filter(pk__in={p.agency_id for p in actor.positions_with(Role.AGENCY_ADMIN)}, is_active=True)


def may_see_decrees(actor) -> bool:
    return allows(actor, Page.DECREES)
