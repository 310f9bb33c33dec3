"""Reference data the rollup cells need, cached per process: agency codes -> ids, agencies ->
their top agency and time zone, categories -> national priority and top-level category. Read once and again every few
minutes or on a miss (agencies and categories change rarely; a changed category priority moves
its reports' cells through a pending refresh, and so does a category moved under another)."""

from __future__ import annotations

from dataclasses import dataclass

from lapor.agencies.models import Agency, Category
from lapor.agencies.selectors import tops
from lapor.core import workdays
from lapor.core.ttlcache import TtlCache


@dataclass(frozen=True)
class _Tables:
    by_code: dict  # agency code -> id
    top: dict  # agency id -> its top agency's id
    tz: dict  # agency id -> time zone
    priority: dict  # category id -> is a national priority
    top_category: dict  # category id -> its top-level category's id


def _load() -> _Tables:
    rows = list(Agency.objects.values_list("pk", "code", "parent_id", "timezone"))
    categories = list(Category.objects.values_list("pk", "parent_id", "is_priority"))
    return _Tables(
        by_code={code: pk for pk, code, _parent, _tz in rows},
        top=tops({pk: parent for pk, _code, parent, _tz in rows}),
        tz={pk: tz for pk, _code, _parent, tz in rows},
        priority={pk: is_priority for pk, _parent, is_priority in categories},
        top_category=tops({pk: parent for pk, parent, _p in categories}),
    )


_tables = TtlCache(_load, seconds=300)


def _having(table: str, key) -> _Tables:
    """The tables, loaded again once if `key` is missing (an agency or category added since)."""
    tables = _tables.get()
    if key not in getattr(tables, table):
        _tables.forget()
        tables = _tables.get()
    return tables


class _Lookups:
    def agency_id(self, code) -> int:
        return _having("by_code", code).by_code.get(code, 0)

    def top_of(self, agency_id: int) -> int:
        return _having("top", agency_id).top.get(agency_id, agency_id)

    def is_priority(self, category_id) -> bool:
        if category_id is None:
            return False
        return bool(_having("priority", category_id).priority.get(category_id))

    def top_category(self, category_id) -> int:
        """The top-level category's id (0: no category)."""
        if category_id is None:
            return 0
        return _having("top_category", category_id).top_category.get(category_id, category_id)

    def timezone(self, agency_id) -> str:
        return _having("tz", agency_id).tz.get(agency_id) or workdays.DEFAULT_TZ


lookups = _Lookups()


def forget_lookups() -> None:
    """Tests, `load_reference` and the refresh job change agencies and categories under a
    running process."""
    _tables.forget()
