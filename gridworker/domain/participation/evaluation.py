"""The year-end evaluation's own words (双管三评: 自评、社区测评): one record per member and year.

The member writes their self-assessment (on the phone pages, through the participation API) for the
current or the last year only; the community's staff write the grade (社区测评等次) and its note from the
desktop. Neither side may write the other's part: docs/sync-protocol.md, "Participation".
"""

from __future__ import annotations

import uuid
from datetime import date

EXCELLENT, QUALIFIED, BASIC, UNQUALIFIED = "excellent", "qualified", "basically_qualified", "unqualified"
# The grades of the county's 社区测评 (in this order on the forms).
GRADE_LABELS = {
    EXCELLENT: ("优秀", "Excellent"),
    QUALIFIED: ("合格", "Qualified"),
    BASIC: ("基本合格", "Basically qualified"),
    UNQUALIFIED: ("不合格", "Unqualified"),
}
MAX_SELF_ASSESSMENT = 2000
MAX_GRADE_NOTE = 500
MEMBER_FIELDS = frozenset({"self_assessment", "self_assessed_at"})
STAFF_FIELDS = frozenset({"grade", "grade_note", "rated_by", "rated_at"})
_NAMESPACE = uuid.UUID("9c3e2a71-5b84-4f0e-8d2c-61a7e4b3f9d0")


def evaluation_id(member_id: str, year: int) -> str:
    """One record per member and year, whichever side writes first (the desk offline or the member's phone)."""
    return str(uuid.uuid5(_NAMESPACE, f"{member_id}:{year}"))


def years_open(today: date) -> tuple[int, int]:
    """The years a member may still write a self-assessment for: the current one and the last."""
    return today.year - 1, today.year


def grade_words(grade: str | None, lang: str = "zh") -> str:
    pair = GRADE_LABELS.get(grade or "")
    if pair is None:
        return ""
    return pair[0] if lang == "zh" else pair[1]


__all__ = ["GRADE_LABELS", "MAX_GRADE_NOTE", "MAX_SELF_ASSESSMENT", "evaluation_id", "grade_words", "years_open"]
