"""The INSERT of one new row, its statement built once per model and shape (ADR 0033).

`Model.save()` compiles its INSERT anew on every call, field by field; for a report (54 columns)
that compilation cost more CPU than anything else in a submission. The hot writers (a report
submitted, an event appended, an idempotency record) insert through `insert` / `insert_sql`
instead: the same columns and the same values as the ORM's (each field's `pre_save` and
`get_db_prep_save`), but the statement's text is built once per model and set of NULL columns
and then reused. Writing NULLs into the text also keeps a new report's INSERT within psycopg's
statement cache (at most 50 parameters), so it is not parsed again on every call either.

Not for models with save signals or an overridden `save()` that does more than refuse (none of
the hot ones has either; `insert` checks the signals)."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import signals


def insert_sql(obj) -> tuple[str, list]:
    """The INSERT of this new instance (its pk unset, or set by the caller) with its parameters,
    returning the pk when the database makes it. Run it with `execute`, or lead it with other
    statements first (`lapor.rollups.writing.leading`)."""
    model = type(obj)
    fields, pk = _fields(model)
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself, not its proxy: asked per field
    values: list = []
    nulls: list[bool] = []
    for field in fields:
        value = field.pre_save(obj, True)  # what the ORM does: auto_now, file names, defaults set
        if hasattr(value, "resolve_expression"):  # a database default or expression: not built here
            raise TypeError(f"insert_sql(): {model.__name__}.{field.name} holds an expression; use save()")
        value = field.get_db_prep_save(value, db)
        nulls.append(value is None)
        if value is not None:
            values.append(value)
    return _statement(db, model, tuple(nulls), obj.pk is None and pk is not None), values


def insert(obj) -> None:
    """Insert this new instance now and give it its pk, as `obj.save(force_insert=True)` would."""
    model = type(obj)
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        raise TypeError(f"insert(): {model.__name__} has save signals; use save()")
    sql, params = insert_sql(obj)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        inserted(obj, cursor)


def inserted(obj, cursor) -> None:
    """After `insert_sql`'s statement ran on this cursor: the pk it returned, and the instance
    marked as saved."""
    if obj.pk is None:
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS


_FIELDS: dict = {}
_STATEMENTS: dict = {}


def _fields(model) -> tuple[list, object]:
    """The columns an INSERT of this model writes, in order, and its auto pk (None if the pk is
    not made by the database): the ORM's choice for `save(force_insert=True)`."""
    found = _FIELDS.get(model)
    if found is None:
        meta = model._meta
        auto_pk = meta.pk if getattr(meta.pk, "db_returning", False) else None
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not auto_pk]
        if any(hasattr(f, "get_placeholder") for f in fields):  # e.g. geometry: SQL around the value
            raise TypeError(f"insert_sql(): {model.__name__} has a field with its own placeholder; use save()")
        found = _FIELDS[model] = (fields, auto_pk)
    return found


def _statement(db, model, nulls: tuple, returning: bool) -> str:
    key = (model, nulls, returning, db.vendor)
    sql = _STATEMENTS.get(key)
    if sql is None:
        fields, pk = _fields(model)
        quote = db.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        values = ", ".join("NULL" if null else "%s" for null in nulls)
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({values})"
        if returning:
            sql += f" RETURNING {quote(pk.column)}"
        _STATEMENTS[key] = sql
    return sql
