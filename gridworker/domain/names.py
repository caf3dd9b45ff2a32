"""Pinyin of Chinese names, for search: 张美玲 → ("zhangmeiling", "zml").

The result is pypinyin's `lazy_pinyin` of the whole name. Calling it costs
about 40 µs a name (segmentation, style conversion, several layers of calls),
which an initial sync of 50,000 people pays for every distinct name. Most
names are read by pypinyin one character at a time: no two neighbouring
characters begin a word of its phrase dictionary. For those the syllables
come from a per-character table filled from pypinyin itself (the same answer
at about 1 µs); a name where a phrase may start (张长江) still goes to
`lazy_pinyin` whole, so the result is the same in every case.

pypinyin is imported at the first name (its phrase dictionary takes ~0.3-0.5 s
to load): commands that read no name, such as a `gridworker sync` with
nothing to do, never pay for it.
"""

from __future__ import annotations

import gc

from functools import cache, lru_cache

_BY_CHARACTER: dict[str, list[str]] = {}  # a Chinese character → its syllables, as pypinyin reads it alone


@cache
def _pypinyin():
    """pypinyin's reader, the Han-character pattern, and the two-character beginnings of its phrases
    (a name holding none of them is read character by character), loaded once, at first use."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.constants import PHRASES_DICT, RE_HANS

    def read(text: str) -> list[str]:
        return lazy_pinyin(text, style=Style.NORMAL, errors=_as_typed)

    loaded = read, RE_HANS, frozenset(phrase[:2] for phrase in PHRASES_DICT if len(phrase) > 1)
    # pypinyin's tables (~150,000 objects) live as long as the process: moved out of the collector's sight so that
    # each full collection does not walk them again (a 0.1-0.5 s pause in the window each time).
    gc.freeze()
    return loaded


def _as_typed(text: str) -> list[str]:
    """What pypinyin gives for characters without pinyin: each one as typed, lower case."""
    return list(text.lower())


def _syllables(name: str) -> list[str]:
    read, hans, phrase_starts = _pypinyin()
    if any(name[i : i + 2] in phrase_starts for i in range(len(name) - 1)):
        return read(name)
    table = _BY_CHARACTER
    syllables: list[str] = []
    for char in name:
        known = table.get(char)
        if known is None:
            if not hans.match(char):  # latin letters, "·", digits: pypinyin groups them; let it
                return read(name)
            known = table[char] = read(char)
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
