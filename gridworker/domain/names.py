"""Pinyin of Chinese names, for search: 张美玲 → ("zhangmeiling", "zml")."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def pinyin_of(name: str) -> tuple[str, str]:
    """Full pinyin without tones and the initials, both lower case; non-Chinese kept as typed."""
    if not name:
        return "", ""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda s: list(s.lower()))
    full = "".join(syllables).lower()
    initials = "".join(p[0] for p in syllables if p).lower()
    return full, initials
