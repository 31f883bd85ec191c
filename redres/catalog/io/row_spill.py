"""Valid import rows kept on disk between checking and writing, not as a million models.

An import checks every row before it writes any (all or nothing, the full report, duplicates
found across the whole file), so the valid rows wait until the last one is read. Held as
validated `SiteCreate`s they cost about 2 KB each, over 2 GB for a national register
(bench/SCALE.md). Here each row's validated values are pickled as one compact tuple into a
temporary file, and read back, one at a time, when the plan and the writer need them: memory
then holds an offset per row and the keys the duplicate check needs. The values read back are
the ones validated (no second validation), so what is written does not change.

The file is deleted when the spill is closed (or the process ends).
"""

from __future__ import annotations

import pickle
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from enum import Enum
from operator import itemgetter
from typing import Any, Generic, NamedTuple, TypeVar, get_args

from redres.catalog.io.rows import ParsedRow
from redres.catalog.schemas import SiteCreate

_FIELDS = tuple(SiteCreate.model_fields)
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_values_of = itemgetter(*_FIELDS)


def _enum_fields() -> tuple[tuple[int, type[Enum]], ...]:
    """(Position, enum class) of the fields holding an enum member (category, status, ...)."""
    out = []
    for at, field in enumerate(SiteCreate.model_fields.values()):
        found = [t for t in (field.annotation, *get_args(field.annotation)) if isinstance(t, type)]
        enums = [t for t in found if issubclass(t, Enum)]
        if enums:
            (cls,) = enums
            out.append((at, cls))
    return tuple(out)


_ENUMS = _enum_fields()
"""Enum members are stored as their values: pickling a member goes through its `__reduce_ex__`
and unpickling through the class's `__call__`, which made up most of the spill's cost (17 of
19 us a row each way, measured at 20,000 rows); a lookup in `_value2member_map_` is a dict's."""

V = TypeVar("V")


class RowSpill:
    """An append-only file of parsed rows, each read back by the index `put` returned."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="redres-import-")  # noqa: SIM115 (closed by close())
        self._offsets = array("q", [0])
        self._at_end = True
        self._sets: list[frozenset[str]] = []
        self._set_ids: dict[frozenset[str], int] = {}

    def put(self, row: ParsedRow) -> int:
        """Write a row; returns its index."""
        site = row.site
        fields = vars(site)
        record = (
            row.number,
            row.parent,
            self._set_id(row.present),
            self._set_id(frozenset(site.model_fields_set)),
            row.sources,
            _plain(_values_of(fields)),
        )
        data = pickle.dumps(record, protocol=_PROTOCOL)
        if not self._at_end:
            self._file.seek(self._offsets[-1])
            self._at_end = True
        self._file.write(data)
        self._offsets.append(self._offsets[-1] + len(data))
        return len(self._offsets) - 2

    def get(self, index: int) -> ParsedRow:
        """The row written at `index`, as it was validated."""
        start, end = self._offsets[index], self._offsets[index + 1]
        self._file.seek(start)
        self._at_end = False
        number, parent, present, fields_set, sources, values = pickle.loads(
            self._file.read(end - start)
        )
        for at, cls in _ENUMS:
            value = values[at]
            if value is not None:
                values[at] = cls._value2member_map_[value]
        site = _rebuilt(dict(zip(_FIELDS, values, strict=True)), set(self._sets[fields_set]))
        return ParsedRow(number, site, parent, self._sets[present], sources)

    def close(self) -> None:
        """Delete the file."""
        self._file.close()

    def _set_id(self, names: frozenset[str]) -> int:
        """Field-name sets are few per file (one per column layout): each is stored once."""
        found = self._set_ids.get(names)
        if found is None:
            found = self._set_ids[names] = len(self._sets)
            self._sets.append(names)
        return found


def _plain(values: tuple[Any, ...]) -> list[Any]:
    """The values with each enum member replaced by its value (`get` turns them back)."""
    out = list(values)
    for at, _cls in _ENUMS:
        value = out[at]
        if value is not None:
            out[at] = value.value
    return out


def _rebuilt(values: dict[str, Any], fields_set: set[str]) -> SiteCreate:
    """A `SiteCreate` of values it validated before, as `model_construct` makes one, without
    its per-field default handling (every field is given), which cost more than the unpickling."""
    site = SiteCreate.__new__(SiteCreate)
    _set = object.__setattr__
    _set(site, "__dict__", values)
    _set(site, "__pydantic_fields_set__", fields_set)
    _set(site, "__pydantic_extra__", None)
    _set(site, "__pydantic_private__", None)
    return site


class RowHead(NamedTuple):
    """What the plan reads of a new row (its slug, name and parent) without reading it back."""

    slug: str | None
    code: str | None
    name: str
    name_en: str | None
    parent: str | None


def head_of(row: ParsedRow) -> RowHead:
    """The head of a parsed row (its strings are shared with the duplicate index's keys)."""
    s = row.site
    return RowHead(s.slug, s.code, s.name, s.name_en, row.parent)


class SpilledRows(MutableMapping[int, V], Generic[V]):
    """Row number -> a value holding a parsed row, the row kept in a `RowSpill`.

    `V` is what callers see (a `ParsedRow`, or a row with what it matched); `split` turns it
    into the row to spill and the small part kept in memory, `join` back.
    """

    def __init__(
        self,
        spill: RowSpill,
        split: Callable[[V], tuple[ParsedRow, Any]],
        join: Callable[[ParsedRow, Any], V],
    ) -> None:
        self._spill = spill
        self._split = split
        self._join = join
        self._at: dict[int, int] = {}
        """Row number -> its index in the spill."""
        self._kept: dict[int, Any] = {}
        """Row number -> the in-memory part of its value, when it has one."""
        self._heads: dict[int, RowHead] = {}

    @property
    def heads(self) -> Mapping[int, RowHead]:
        """Row number -> its row's head, in the mapping's order, read without the disk."""
        return self._heads

    def __getitem__(self, number: int) -> V:
        return self._join(self._spill.get(self._at[number]), self._kept.get(number))

    def __setitem__(self, number: int, value: V) -> None:
        row, kept = self._split(value)
        self._at[number] = self._spill.put(row)
        self._heads[number] = head_of(row)
        if kept is not None:
            self._kept[number] = kept

    def __delitem__(self, number: int) -> None:
        del self._at[number]
        del self._heads[number]
        self._kept.pop(number, None)

    def __contains__(self, number: object) -> bool:
        return number in self._at

    def __iter__(self) -> Iterator[int]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)


def spilled_rows(spill: RowSpill) -> SpilledRows[ParsedRow]:
    """A mapping of plain parsed rows."""
    return SpilledRows(spill, lambda row: (row, None), lambda row, _kept: row)
