"""Extend the country seeds from pycountry (ISO 3166-1), keeping every row already there.

    python -m sample_data.country_vocabulary            # rewrite seeds/country_*.csv
    python -m sample_data.country_vocabulary --check    # exit 1 when the seeds lack a row

Aliases added for every ISO 3166-1 country: its alpha-2 and alpha-3 codes, its ISO name,
official name and common name, and those names as pycountry's translations give them in the
main European languages (LANGUAGES). Aliases are lower case, as the models compare them
(``lower(trim(text))``). Rows already in the seeds are kept as they are (hand-made aliases,
``XK`` Kosovo, ``EU``); a new alias that two countries share in some language is left out
(ambiguous) and reported. pycountry is a development dependency only: the seeds are checked in.
"""

from __future__ import annotations

import argparse
import csv
import gettext
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ALIASES = SEEDS / "country_aliases.csv"
CODES = SEEDS / "country_codes.csv"
LANGUAGES = ("de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "fi", "nb_NO", "cs", "sk", "sl", "hr",
             "hu", "ro", "el", "bg", "et", "lv", "lt", "ga", "mt", "ca", "tr")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def alias_key(text: str) -> str:
    return " ".join(text.lower().split())


def pycountry_aliases() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """alias -> the alpha-2 codes it names; and (alpha-2, alpha-3, ISO name) of every country."""
    import pycountry

    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
        for language in LANGUAGES
    ]
    aliases: dict[str, set[str]] = {}
    countries = []
    for country in pycountry.countries:
        countries.append((country.alpha_2, country.alpha_3, country.name))
        names = {country.name, getattr(country, "official_name", None), getattr(country, "common_name", None)}
        names.discard(None)
        spellings = {country.alpha_2, country.alpha_3} | names
        for translation in translations:
            spellings |= {translation.gettext(name) for name in names}
        for spelling in spellings:
            aliases.setdefault(alias_key(spelling), set()).add(country.alpha_2)
    return aliases, countries


def merged() -> tuple[list[dict[str, str]], list[dict[str, str]], list[str]]:
    """The seeds' rows with pycountry's added: (aliases, codes, ambiguous aliases left out)."""
    existing_aliases = _read(ALIASES)
    existing_codes = _read(CODES)
    known = {row["country_alias"] for row in existing_aliases}
    found, countries = pycountry_aliases()
    ambiguous = sorted(alias for alias, codes in found.items() if len(codes) > 1 and alias not in known)
    added = [
        {"country_alias": alias, "country_code": next(iter(codes))}
        for alias, codes in found.items()
        if len(codes) == 1 and alias not in known and alias
    ]
    aliases = sorted(existing_aliases + added, key=lambda row: row["country_alias"])
    have_codes = {row["country_code"] for row in existing_codes}
    codes = existing_codes + [
        {"country_code": a2, "country_code_alpha3": a3, "country_name": name}
        for a2, a3, name in countries
        if a2 not in have_codes
    ]
    return aliases, sorted(codes, key=lambda row: row["country_code"]), ambiguous


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the seeds are complete")
    args = parser.parse_args(argv)
    aliases, codes, ambiguous = merged()
    if args.check:
        missing = len(aliases) - len(_read(ALIASES)) + len(codes) - len(_read(CODES))
        print(f"{missing} rows missing from the country seeds")
        return 1 if missing else 0
    _write(ALIASES, ["country_alias", "country_code"], aliases)
    _write(CODES, ["country_code", "country_code_alpha3", "country_name"], codes)
    print(f"{len(aliases)} aliases, {len(codes)} countries; {len(ambiguous)} ambiguous aliases left out: "
          + ", ".join(ambiguous))
    return 0


if __name__ == "__main__":
    sys.exit(main())
