"""Labelled.parse reads a spreadsheet's words through one table per enumeration: the same answers as reading every
member's value and labels, for every member of every enumeration, in every form a cell may give."""

from __future__ import annotations

import pytest

from gridworker.domain import enums
from gridworker.domain.enums import Labelled


def _every_enum() -> list[type[Labelled]]:
    return [c for c in vars(enums).values() if isinstance(c, type) and issubclass(c, Labelled) and c is not Labelled and list(c)]


def _by_reading_every_member(cls, text):
    t = str(text).strip()
    low = t.lower()
    for member in cls:
        zh, en = member.label("zh"), member.label("en")
        if low in (member.value, en.lower()) or t == zh:
            return member
    raise ValueError(t)


@pytest.mark.parametrize("cls", _every_enum(), ids=lambda c: c.__name__)
def test_parse_gives_what_reading_every_member_gives(cls):
    for member in cls:
        for word in (member.value, member.value.upper(), f" {member.value} ", member.label("zh"), member.label("en"),
                     member.label("en").upper(), f"\t{member.label('zh')} "):  # fmt: skip
            assert cls.parse(word) is _by_reading_every_member(cls, word), word
    for nonsense in ("不存在", "nope", "0"):
        with pytest.raises(ValueError):
            cls.parse(nonsense)
    assert cls.parse(None) is None and cls.parse("  ") is None
