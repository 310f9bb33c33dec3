"""Choice values stored as small integer codes (ADR 0021).

The event log is the largest table (about 6.5 events a report, 67 million rows at ten million
reports): its action, statuses and role, written as words, took 40 bytes a row. `CodeField`
keeps them as words everywhere in Python — models, lookups (`action=Action.RATE`,
`action__in=[...]`), `values()`, forms, the API — and as a 2-byte integer in the database.

Each field names its codes as a tuple of words: the word at position i is stored as i. The tuple
is append-only: a word's code is never changed or reused (tests/core/test_codes.py pins them),
since the rows written with it stay. Raw SQL must use `code_of` to name a word."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class CodeField(models.SmallIntegerField):
    """A word from `codes` in Python, its position in `codes` in the database."""

    def __init__(self, *args, codes: tuple[str, ...] = (), **kwargs):
        if len(set(codes)) != len(codes):
            raise ValueError("a code word appears twice")
        self.codes = tuple(codes)
        self._code_of = {word: i for i, word in enumerate(self.codes)}
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["codes"] = self.codes
        return name, path, args, kwargs

    def code_of(self, word: str) -> int:
        try:
            return self._code_of[word]
        except KeyError:
            raise ValueError(f"{self.name}: no code for {word!r}") from None

    def from_db_value(self, value, expression, connection):
        return None if value is None else self.codes[value]

    def to_python(self, value):
        if value is None or isinstance(value, str):
            return value
        try:
            return self.codes[int(value)]
        except (IndexError, TypeError, ValueError):
            raise ValidationError(f"{value!r} is not a code of {self.name}", code="invalid") from None

    def get_prep_value(self, value):
        if value is None:
            return None
        if isinstance(value, str):  # TextChoices members are str
            return self.code_of(str(value))
        raise TypeError(f"{self.name} takes a word, not {value!r}")

    @property
    def validators(self):
        # SmallIntegerField adds range validators that would compare the word with integers.
        return [*self.default_validators, *self._validators]

    def value_to_string(self, obj):
        return self.value_from_object(obj) or ""


class PackedDictField(models.TextField):
    """A dict in Python, stored as the text `pack` makes of it (`unpack` reads it back): the
    compact forms of `Report.monitoring_facts` (lapor.rollups.facts) and `ReportEvent.data`
    (lapor.reports.eventdata). Subclasses set `pack` and `unpack` (staticmethods)."""

    def from_db_value(self, value, expression, connection):
        return self.unpack(value) if value is not None else {}

    def to_python(self, value):
        return self.unpack(value) if isinstance(value, str) else (value or {})

    def get_prep_value(self, value):
        return self.pack(value) if isinstance(value, dict) else value

    def value_to_string(self, obj):
        return self.pack(self.value_from_object(obj))
