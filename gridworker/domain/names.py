"""Pinyin of Chinese names, for search: 张美玲 → ("zhangmeiling", "zml").

The result is pypinyin's `lazy_pinyin` of the whole name. Calling it costs
about 40 µs a name (segmentation, style conversion, several layers of calls),
which an initial sync of 50,000 people pays for every distinct name. Most
names are read by pypinyin one character at a time: no two neighbouring
characters begin a word of its phrase dictionary. For those the syllables
come from a per-character table filled from pypinyin itself (the same answer
at about 1 µs); a name where a phrase may start (张长江) still goes to
`lazy_pinyin` whole, so the result is the same in every case.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, RE_HANS

# Two-character beginnings of pypinyin's phrases: a name holding none of them is read character by character.
_PHRASE_STARTS = frozenset(phrase[:2] for phrase in PHRASES_DICT if len(phrase) > 1)
_BY_CHARACTER: dict[str, list[str]] = {}  # a Chinese character → its syllables, as pypinyin reads it alone


def _as_typed(text: str) -> list[str]:
    """What pypinyin gives for characters without pinyin: each one as typed, lower case."""
    return list(text.lower())


def _syllables(name: str) -> list[str]:
    if any(name[i : i + 2] in _PHRASE_STARTS for i in range(len(name) - 1)):
        return lazy_pinyin(name, style=Style.NORMAL, errors=_as_typed)
    table = _BY_CHARACTER
    syllables: list[str] = []
    for char in name:
        known = table.get(char)
        if known is None:
            if not RE_HANS.match(char):  # latin letters, "·", digits: pypinyin groups them; let it
                return lazy_pinyin(name, style=Style.NORMAL, errors=_as_typed)
            known = table[char] = lazy_pinyin(char, style=Style.NORMAL, errors=_as_typed)
        syllables += known
    return syllables


@lru_cache(maxsize=65536)
def pinyin_of(name: str) -> tuple[str, str]:
    """Full pinyin without tones and the initials, both lower case; non-Chinese kept as typed."""
    if not name:
        return "", ""
    syllables = _syllables(name)
    full = "".join(syllables).lower()
    initials = "".join(p[0] for p in syllables if p).lower()
    return full, initials
