"""Digits in any script to ASCII: full-width ３３０１, Arabic-Indic ٣٣٠١ and every other Unicode decimal digit.

Digit fields (ID numbers, phones) are stored and compared in ASCII, so a
number typed on a full-width keyboard or pasted from another script is the
same number to the duplicate check and the search.
"""

from __future__ import annotations

import unicodedata

# Full-width signs that sit among the digits of a phone or ID number.
_SIGNS = {"＋": "+", "－": "-", "‐": "-", "‑": "-", "–": "-", "（": "(", "）": ")", "ｘ": "x", "Ｘ": "X", "　": " "}


def ascii_digits(text: str) -> str:
    """`text` with every Unicode decimal digit replaced by its ASCII digit (and full-width + - ( ) X by ASCII)."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        value = unicodedata.decimal(ch, None)
        out.append(str(value) if value is not None else _SIGNS.get(ch, ch))
    return "".join(out)
