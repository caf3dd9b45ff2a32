"""List comparison (名单比对): the register's people against a list from outside.

A community receives lists (a vaccination list, the subsidy roll, a census
extract) and must find:

- missing:   people of the register that no row of the list names;
- unknown:   rows of the list that name nobody in the register;
- differs:   rows matched to a person whose name or phone is different;
- ambiguous: rows that cannot be matched without guessing — a name + phone
  that fits two people, an ID number two people of the register share, two
  rows of the list naming the same person (or the same unknown key), a row
  with neither an ID number nor a name and phone.

A row is matched by its ID number when it has one (and only by it); by name
and phone together when it has no ID number. People named by an ambiguous row
are listed with it and are not reported missing: the comparison does not
guess either way. Matched rows whose details agree are counted as `same`.

Pure and linear: two dictionaries over the register, one pass over the rows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .collector import collector_paused

# Header variants for each column, compared after `header_key` (lower case, no spaces or punctuation).
# A bare "ID" is left out on purpose: in exports it is as often a row number; the contents decide.
HEADERS: dict[str, tuple[str, ...]] = {
    "id_number": (
        "身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证", "身份证件号码", "证件号码", "证件号",
        "证件号码身份证", "居民身份证号码", "身份号码", "idnumber", "idno", "idcard", "idcardnumber",
        "nationalid", "identitynumber", "identitycard", "citizenid",
    ),
    "name": (
        "姓名", "名字", "人员姓名", "居民姓名", "被调查人姓名", "户主姓名", "接种人姓名", "申请人姓名", "姓名名称", "name",
        "fullname", "personname", "residentname",
    ),
    "phone": (
        "联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "移动电话", "联系人电话", "联系手机",
        "phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "tel", "telephone", "contact", "contactnumber",
    ),
}  # fmt: skip
# Words that, inside a longer header, point at a column ("本人身份证号（必填）", "Mobile phone no.").
_HINTS: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证", "证件号", "身份号码", "idnumber", "idcard", "idno"),
    "name": ("姓名", "name"),
    "phone": ("电话", "手机", "联系方式", "phone", "mobile", "tel"),
}
FIELDS = ("id_number", "name", "phone")
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$|^\d{15}$")


# -- normalising -------------------------------------------------------------------------------
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a decimal digit of another script (Arabic-Indic, Devanagari, …)


def _fold(text: str) -> str:
    """NFKC (full width → ASCII) and every Unicode digit to its ASCII digit."""
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if text.isascii() or not _OTHER_DIGIT.search(text):
        return text
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.digit(m.group())), text)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _fold(value).strip()
    if isinstance(value, float) and value.is_integer():  # a number read from a spreadsheet cell: 13800138000.0
        value = int(value)
    return _fold(str(value)).strip()


def norm_id(value: object) -> str:
    """ID number: ASCII, upper-case X, no spaces."""
    text = _cell(value)
    return (text if text.isalnum() else "".join(text.split())).upper()


_PHONE_JUNK = re.compile(r"[^0-9]")


def norm_phone(value: object) -> str:
    """Digits only; a leading +86 / 0086 / 86 before a mobile number dropped."""
    digits = _cell(value)
    if not (digits.isascii() and digits.isdigit()):
        digits = _PHONE_JUNK.sub("", digits)
    if len(digits) == 15 and digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", ".": "·", "‧": "·", "∙": "·", "⋅": "·"})


def norm_name(value: object) -> str:
    """No spaces (a list may write 张 三), one kind of middle dot (阿依古丽·买买提)."""
    text = _cell(value)
    if not text.isalnum():
        text = "".join(text.split()).translate(_DOTS)
    return text


def header_key(header: object) -> str:
    """Lower case without spaces, punctuation or a required-field star: "  *身份证号码（必填）" → "身份证号码必填"."""
    text = _fold(str(header or "")).lower()
    return "".join(c for c in text if c.isalnum())


# -- choosing the columns --------------------------------------------------------------------------
@dataclass(frozen=True)
class Columns:
    """Which column (0-based) holds each field; None: the list has no such column."""

    id_number: int | None = None
    name: int | None = None
    phone: int | None = None

    def chosen(self) -> dict[str, int]:
        return {f: i for f in FIELDS if (i := getattr(self, f)) is not None}


def guess_columns(headers: Sequence[object], rows: Sequence[Sequence[object]] = ()) -> Columns:
    """The columns guessed from the headers: an exact variant first, then a header containing a hint word.
    A column no header names is looked for in the first rows' contents (ID numbers, mobile numbers)."""
    keys = [header_key(h) for h in headers]
    found: dict[str, int] = {}
    for f in FIELDS:  # exact names first, so "姓名" wins over "联系人姓名电话"
        wanted = {header_key(v) for v in HEADERS[f]}
        _take_first(found, f, keys, lambda k, wanted=wanted: k in wanted)
    for f in FIELDS:
        if f not in found:
            _take_first(found, f, keys, lambda k, f=f: any(h in k for h in _HINTS[f]))
    sample = rows[:50]
    for f, looks_like in (("id_number", _looks_like_id), ("phone", _looks_like_mobile)):
        if f not in found and sample:
            _take_first(found, f, range(len(headers)), lambda i, looks_like=looks_like: _column_looks(sample, i, looks_like))
    return Columns(**found)


def _take_first(found: dict[str, int], f: str, keys: Sequence, fits: Callable[[Any], bool]) -> None:
    """Give `f` the first column no other field has taken whose key (or index) fits."""
    for i, k in enumerate(keys):
        if i not in found.values() and fits(k):
            found[f] = i
            return


def _column_looks(sample: Sequence[Sequence[object]], i: int, looks_like: Callable[[str], bool]) -> bool:
    """At least 80 % of the filled cells of column `i` in the sample look like the wanted values."""
    values = [v for r in sample if i < len(r) and (v := _cell(r[i]))]
    return bool(values) and sum(map(looks_like, values)) >= 0.8 * len(values)


def _looks_like_id(value: str) -> bool:
    return bool(_ID_SHAPE.match(norm_id(value)))


def _looks_like_mobile(value: str) -> bool:
    p = norm_phone(value)
    return len(p) == 11 and p.startswith("1")


# -- comparing -----------------------------------------------------------------------------------
class RegisterPerson(NamedTuple):
    person_id: str
    id_number: str | None
    name: str | None
    phone: str | None


class ListRow(NamedTuple):
    index: int  # 0-based among the data rows (the header row not counted)
    id_number: str  # normalised; "" when the row has none
    name: str
    phone: str


@dataclass(frozen=True)
class Difference:
    row: ListRow
    person: RegisterPerson
    fields: tuple[str, ...]  # "name", "phone": where the row and the register disagree


# Why a group of rows is ambiguous; labels for people.
AMBIGUITY = {
    "several_people": ("与登记簿中多人相符", "matches several people of the register"),
    "duplicate_rows": ("名单中重复出现", "appears more than once on the list"),
    "no_key": ("既无身份证号，也无姓名和电话", "has neither an ID number nor a name and phone"),
}


@dataclass(frozen=True)
class Ambiguity:
    reason: str  # a key of AMBIGUITY
    rows: tuple[ListRow, ...]
    people: tuple[RegisterPerson, ...]  # the people these rows could mean (none for unknown duplicates)

    def label(self, lang: str = "zh") -> str:
        zh, en = AMBIGUITY[self.reason]
        return zh if lang.startswith("zh") else en


@dataclass
class Comparison:
    missing: list[RegisterPerson] = field(default_factory=list)
    unknown: list[ListRow] = field(default_factory=list)
    differs: list[Difference] = field(default_factory=list)
    ambiguous: list[Ambiguity] = field(default_factory=list)
    same: list[tuple[ListRow, RegisterPerson]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "missing": len(self.missing),
            "unknown": len(self.unknown),
            "differs": len(self.differs),
            "ambiguous": len(self.ambiguous),
            "ambiguous_rows": sum(len(a.rows) for a in self.ambiguous),
            "same": len(self.same),
        }


def read_rows(rows: Iterable[Sequence[object]], columns: Columns) -> list[ListRow]:
    """The list's rows normalised (the header row left out by the caller); blank rows skipped."""
    out = []
    ci, cn, cp = columns.id_number, columns.name, columns.phone
    for index, r in enumerate(rows):
        n = len(r)
        row = ListRow(
            index,
            norm_id(r[ci]) if ci is not None and ci < n else "",
            norm_name(r[cn]) if cn is not None and cn < n else "",
            norm_phone(r[cp]) if cp is not None and cp < n else "",
        )
        if row.id_number or row.name or row.phone:
            out.append(row)
    return out


def register_people(records: Iterable[Mapping[str, object] | RegisterPerson]) -> list[RegisterPerson]:
    """Register people from mappings {person_id (or id), id_number, name, phone}, normalised."""
    out = []
    for r in records:
        if isinstance(r, RegisterPerson):
            out.append(RegisterPerson(r.person_id, norm_id(r.id_number) or None, norm_name(r.name) or None,
                                      norm_phone(r.phone) or None))  # fmt: skip
            continue
        out.append(RegisterPerson(
            str(r.get("person_id") or r.get("id")), norm_id(r.get("id_number")) or None,
            norm_name(r.get("name")) or None, norm_phone(r.get("phone")) or None,
        ))  # fmt: skip
    return out


@collector_paused()  # 100,000s of small objects, no cycles: a third of the time went to collections
def compare(people: Iterable[Mapping[str, object] | RegisterPerson], rows: Iterable[Sequence[object]],
            columns: Columns) -> Comparison:  # fmt: skip
    """The four groups (and the agreeing matches) of `rows` against the register's `people`."""
    return compare_normalised(register_people(people), read_rows(rows, columns))


@collector_paused()  # 100,000s of small objects, no cycles: a third of the time went to collections
def compare_normalised(people: Sequence[RegisterPerson], rows: Sequence[ListRow]) -> Comparison:
    by_id, by_name_phone = _index_people(people)
    result = Comparison()
    touched: set[str] = set()  # person ids some row names (matched or ambiguous)
    rows_of_person: dict[str, list[ListRow]] = {}
    person_of: dict[str, RegisterPerson] = {}
    unknown_by_key: dict[tuple[str, ...], list[ListRow]] = {}
    several: dict[tuple[str, ...], tuple[list[ListRow], list[RegisterPerson]]] = {}
    no_key: list[ListRow] = []

    for row in rows:
        if row.id_number:
            key: tuple[str, ...] = ("id", row.id_number)
            found = by_id.get(row.id_number)
        elif row.name and row.phone:
            key = ("np", row.name, row.phone)
            found = by_name_phone.get((row.name, row.phone))
        else:
            no_key.append(row)
            continue
        if not found:
            unknown_by_key.setdefault(key, []).append(row)
        elif len(found) == 1:
            p = found[0]
            rows_of_person.setdefault(p.person_id, []).append(row)
            person_of[p.person_id] = p
        else:
            entry = several.setdefault(key, ([], found))
            entry[0].append(row)
            touched.update(p.person_id for p in found)

    for person_id, matched in rows_of_person.items():
        p = person_of[person_id]
        touched.add(person_id)
        if len(matched) > 1:
            result.ambiguous.append(Ambiguity("duplicate_rows", tuple(matched), (p,)))
            continue
        row = matched[0]
        fields = _differences(row, p)
        if fields:
            result.differs.append(Difference(row, p, fields))
        else:
            result.same.append((row, p))
    for matched, found in several.values():
        result.ambiguous.append(Ambiguity("several_people", tuple(matched), tuple(found)))
    _add_unknown(result, unknown_by_key, no_key)
    result.differs.sort(key=lambda d: d.row.index)
    result.same.sort(key=lambda m: m[0].index)
    result.missing = [p for p in people if p.person_id not in touched]
    return result


def _index_people(people: Sequence[RegisterPerson]) -> tuple[dict[str, list[RegisterPerson]], dict[tuple[str, str], list[RegisterPerson]]]:
    """The register's people by ID number, and by name and phone together."""
    by_id: dict[str, list[RegisterPerson]] = {}
    by_name_phone: dict[tuple[str, str], list[RegisterPerson]] = {}
    for p in people:
        if p.id_number:
            by_id.setdefault(p.id_number, []).append(p)
        if p.name and p.phone:
            by_name_phone.setdefault((p.name, p.phone), []).append(p)
    return by_id, by_name_phone


def _add_unknown(result: Comparison, unknown_by_key: dict[tuple[str, ...], list[ListRow]], no_key: list[ListRow]) -> None:
    """Rows of no one in the register (one row each; several with one key are ambiguous), rows with no key."""
    for group in unknown_by_key.values():
        if len(group) > 1:
            result.ambiguous.append(Ambiguity("duplicate_rows", tuple(group), ()))
        else:
            result.unknown.append(group[0])
    result.ambiguous += [Ambiguity("no_key", (row,), ()) for row in no_key]
    result.ambiguous.sort(key=lambda a: a.rows[0].index)


def _differences(row: ListRow, p: RegisterPerson) -> tuple[str, ...]:
    """Fields both sides fill in and disagree on (an empty cell says nothing)."""
    out = []
    if row.name and p.name and row.name != p.name:
        out.append("name")
    if row.phone and p.phone and row.phone != p.phone:
        out.append("phone")
    return tuple(out)
