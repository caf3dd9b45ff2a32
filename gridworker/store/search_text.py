"""The search index's text: the folding shared by the indexed text and the query, and a person's search_doc
values from their source row (store/search.py's _SOURCE_SQL)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ..domain.names import pinyin_of

# -- folding: the same rules for the indexed text and the query ----------------
_NAME_SEPARATORS = re.compile(r"[\s·•・．.\-_'’]+")


def fold(text: str | None) -> str:
    """Full-width to half-width, lower case, single spaces."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def fold_name(name: str | None) -> str:
    """A name without its separators, so 阿依古丽·买买提 is found as 阿依古丽买买提 (`fold`'s spaces go with them)."""
    if not name:
        return ""
    return _NAME_SEPARATORS.sub("", unicodedata.normalize("NFKC", name).lower())


def _latin(text: str | None) -> str:
    if not text:
        return ""
    if text.isascii() and text.isalnum():  # pinyin and initials as stored: nothing to drop (an index of 50,000)
        return text.lower()
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _digits(text: str | None) -> str:
    if not text:
        return ""
    if text.isascii() and text.isdigit():  # a phone number as stored
        return text
    return re.sub(r"\D", "", text)


def _unit_label(unit: str | None) -> str:
    return f"{unit}单元" if unit and unit.isdigit() else (unit or "")


def _room_label(room: str | None) -> str:
    return f"{room}室" if room and room.isdigit() else (room or "")


def _address_text(hh_address, unit, room, estate, building) -> str:
    """Every place word of a person's dwelling, each once; not the building's street address.

    The street address ("浙江省杭州市…学院路78号翡翠家园1幢") is the same for every
    person of a building and was most of each entry's text: the search finds it
    in the few hundred building rows instead (store/search.py `_Ladder.buildings`).
    """
    parts: list[str] = []
    for part in (hh_address, estate, building, _unit_label(unit), _room_label(room)):
        p = fold(part)
        if p and not any(p in seen for seen in parts):
            parts.append(p)
    return " ".join(parts)


def _status(status: str | None) -> str:
    """search_doc's status: '' for active (nearly everyone; stored in the row and in three indexes, it costs
    nothing), else the person's."""
    return "" if status in (None, "", "active") else status


def _docs(rows: Iterable[tuple]) -> list[tuple]:
    """The search_doc values (_DOC_COLUMNS) of live source rows (_SOURCE_SQL)."""
    addresses: dict[tuple, str] = {}  # people of one household share it: fold it once
    docs = []
    for row in rows:
        (pid, name, pinyin, initials, id_number, phone, status, area_id, deleted,
         hh_address, unit, room, hh_phone, estate, building) = row
        if deleted:
            continue
        key = (hh_address, unit, room, estate, building)
        address = addresses.get(key)
        if address is None:
            address = addresses[key] = _address_text(*key)
        if not pinyin:  # rows written by services carry it; bulk loads may not
            pinyin, initials = pinyin_of(name or "")
        # The household's phone is often a member's own: each number once.
        numbers = " ".join(dict.fromkeys(n for n in ((id_number or "").lower(), _digits(phone), _digits(hh_phone)) if n))
        docs.append(
            (pid, fold_name(name), _latin(pinyin), _latin(initials), numbers, address, _status(status), area_id)
        )
    return docs
