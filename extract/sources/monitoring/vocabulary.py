"""The monitoring vocabulary, read from the dbt seeds the warehouse's models read too:

* ``seeds/monitoring_measures.csv``: one row per measure (its code, feed, aliases, LOINC code,
  canonical UCUM unit, molar mass where a molar unit converts to a mass one, the physiologically
  possible bounds and the reference range, both in the canonical unit);
* ``seeds/monitoring_units.csv``: one row per unit spelling and the canonical unit it converts
  to, ``canonical = (value + offset_before) * multiply_by [* molar mass] / divide_by + offset_after``,
  for every measure of that canonical unit or for the one measure the row names.

Adding a measure, an alias or a unit spelling is a row (or an alias) in these files, no code: the
boundary (:mod:`.validation`) and the dbt models read the same rows. Names match whatever their
case; a measure name's spaces and hyphens count as ``_``; a unit's spaces are ignored. The dbt
macros ``measure_key`` and ``normalize_unit_code`` (``macros/monitoring/units.sql``) are the twins
of :func:`measure_key` and :func:`unit_key`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract import settings

MEASURES_SEED = "monitoring_measures.csv"
UNITS_SEED = "monitoring_units.csv"


class VocabularyError(ValueError):
    """A seed row the vocabulary cannot use; the message names the file, row and field."""


def measure_key(text: str) -> str:
    """A measure name as the seeds' aliases are written: lower case, spaces and hyphens as ``_``."""
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def unit_key(text: str) -> str:
    """A unit spelling compared whatever its case and spaces (``MG / DL`` is ``mg/dl``)."""
    return text.strip().replace(" ", "").lower()


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


@dataclass(frozen=True)
class Measure:
    code: str
    feed: str
    name: str
    aliases: tuple[str, ...]
    loinc_code: str
    canonical_unit: str
    molar_mass: float | None
    possible_low: float
    possible_high: float
    normal_low: float | None
    normal_high: float | None


@dataclass(frozen=True)
class Conversion:
    """How a value in one spelling of a unit becomes the canonical unit of one measure."""

    offset_before: float
    multiply_by: float
    divide_by: float
    offset_after: float

    def apply(self, value: float) -> float:
        # The same arithmetic, in the same order, as the dbt macro `to_canonical_unit`.
        return (value + self.offset_before) * self.multiply_by / self.divide_by + self.offset_after


@dataclass(frozen=True)
class Vocabulary:
    measures: dict[tuple[str, str], Measure]  # (feed, alias or code) -> measure
    conversions: dict[tuple[str, str], Conversion]  # (measure code, unit key) -> conversion

    def measure(self, feed: str, name: str) -> Measure | None:
        return self.measures.get((feed, measure_key(name)))

    def conversion(self, measure: Measure, unit: str) -> Conversion | None:
        return self.conversions.get((measure.code, unit_key(unit)))

    def codes(self, feed: str) -> list[str]:
        return sorted({measure.code for (f, _), measure in self.measures.items() if f == feed})

    def units(self, measure: Measure) -> list[str]:
        """The unit keys the measure is accepted in."""
        return sorted(unit for (code, unit) in self.conversions if code == measure.code)


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = enumerate(csv.DictReader(handle), 2)
            return [(line, {key: (value or "").strip() for key, value in row.items()}) for line, row in rows]
    except FileNotFoundError as exc:
        raise VocabularyError(f"{path}: the monitoring vocabulary seed is missing") from exc


def _field(path: Path, line: int, row: dict[str, str], name: str, parse=_number):
    try:
        return parse(row[name])
    except (KeyError, ValueError) as exc:
        raise VocabularyError(f"{path.name} line {line}: column {name}={row.get(name)!r} is not valid") from exc


def load(seeds_dir: Path) -> Vocabulary:
    """The vocabulary in ``seeds_dir``; a row it cannot use raises :class:`VocabularyError`."""
    measures: dict[tuple[str, str], Measure] = {}
    by_code: dict[str, Measure] = {}
    path = seeds_dir / MEASURES_SEED
    for line, row in _rows(path):
        code = row.get("measure_code", "")
        aliases = tuple(alias for alias in row.get("aliases", "").split("|") if alias)
        for name in (code, *aliases):
            if not name or name != measure_key(name):
                raise VocabularyError(
                    f"{path.name} line {line}: measure code or alias {name!r} must be lower case with _ for spaces"
                )
        measure = Measure(
            code=code,
            feed=row.get("feed", ""),
            name=row.get("measure_name", ""),
            aliases=aliases,
            loinc_code=row.get("loinc_code", ""),
            canonical_unit=row.get("canonical_unit", ""),
            molar_mass=_field(path, line, row, "molar_mass_g_per_mol"),
            possible_low=_field(path, line, row, "possible_low", float),
            possible_high=_field(path, line, row, "possible_high", float),
            normal_low=_field(path, line, row, "normal_low"),
            normal_high=_field(path, line, row, "normal_high"),
        )
        if code in by_code:
            raise VocabularyError(f"{path.name} line {line}: measure {code!r} is listed twice")
        by_code[code] = measure
        for name in (code, *aliases):
            if (measure.feed, name) in measures:
                other = measures[(measure.feed, name)].code
                raise VocabularyError(f"{path.name} line {line}: {name!r} already names {other!r}")
            measures[(measure.feed, name)] = measure

    conversions: dict[tuple[str, str], Conversion] = {}
    specific: set[tuple[str, str]] = set()
    path = seeds_dir / UNITS_SEED
    for line, row in _rows(path):
        only = row.get("measure_code", "")
        if only and only not in by_code:
            raise VocabularyError(f"{path.name} line {line}: measure_code {only!r} is not a measure")
        molar = _field(path, line, row, "times_molar_mass", lambda t: t.lower() == "true")
        for measure in [by_code[only]] if only else by_code.values():
            if measure.canonical_unit != row.get("canonical_unit") or (molar and measure.molar_mass is None):
                continue
            key = (measure.code, unit_key(row.get("unit_spelling", "")))
            if key in specific or (key in conversions and not only):
                continue  # a row naming the measure wins over a row for every measure of the unit
            conversions[key] = Conversion(
                offset_before=_field(path, line, row, "offset_before") or 0.0,
                multiply_by=_field(path, line, row, "multiply_by", float) * (measure.molar_mass if molar else 1.0),
                divide_by=_field(path, line, row, "divide_by", float),
                offset_after=_field(path, line, row, "offset_after") or 0.0,
            )
            if only:
                specific.add(key)
    return Vocabulary(measures, conversions)


@lru_cache(maxsize=4)
def _cached(seeds_dir: Path, stamp: tuple[float, float]) -> Vocabulary:
    return load(seeds_dir)


def vocabulary(seeds_dir: Path | None = None) -> Vocabulary:
    """The vocabulary of the project's seeds (read again when a seed file changes)."""
    folder = seeds_dir or settings.project_dir() / "seeds"
    paths = (folder / MEASURES_SEED, folder / UNITS_SEED)
    stamps = tuple(path.stat().st_mtime if path.exists() else 0.0 for path in paths)
    return _cached(folder, stamps)
