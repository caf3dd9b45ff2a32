"""Participation API: the member's year-end self-assessment (双管三评, docs/participation-api.md).

The member writes only their own self-assessment, for the current or the last year; the community's
rating (grade) comes from staff through /sync and is only read here.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import Field

from ...domain.fieldwork import local_day
from ...domain.participation import evaluation as year_end
from ..core.auth import User
from ..core.errors import ApiError
from ..sync.state import server_state
from .errors import lang_of
from .participation_common import Body, act, bad_value, by_parent, get, limit, web_user, words

router = APIRouter()
Text = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # newlines and tabs allowed


class SelfAssessmentIn(Body):
    self_assessment: str = Field(min_length=1, max_length=year_end.MAX_SELF_ASSESSMENT, pattern=Text)


def _out(rec, year: int, lang: str) -> dict[str, Any]:
    d = rec.data if rec is not None else {}
    grade = d.get("grade")
    return {"year": year, "self_assessment": d.get("self_assessment"), "self_assessed_at": d.get("self_assessed_at"),
            "grade": grade, "grade_name": words(year_end.GRADE_LABELS.get(grade or ""), lang),
            "grade_note": d.get("grade_note"), "rated_at": d.get("rated_at")}  # fmt: skip


def _member(request: Request, user: User):
    if user.role != "member":
        raise ApiError(403, "role_not_allowed", "只有党员填写年度自评", "Only members write a year-end self-assessment")
    with server_state(request).db.engine.connect() as conn:
        member = get(conn, "member", user.id)
    if member is None or member.data.get("status") != "approved":
        raise ApiError(409, "not_approved", "报到通过审核后才能填写年度自评", "The self-assessment opens once the check-in is approved")
    return member


@router.get("/evaluations")
def my_evaluations(request: Request, user: User = Depends(web_user)) -> dict[str, Any]:
    """The member's evaluations, newest year first, with the years still open to a self-assessment."""
    open_years = year_end.years_open(local_day(datetime.now(timezone.utc)))
    with server_state(request).db.engine.connect() as conn:
        recs = {r.data.get("year"): r for r in by_parent(conn, "evaluation", user.id)} if user.role == "member" else {}
    years = sorted(set(recs) | set(open_years if user.role == "member" else ()), reverse=True)
    return {"open_years": sorted(open_years, reverse=True),
            "evaluations": [_out(recs.get(y), y, lang_of(request)) for y in years]}  # fmt: skip


@router.put("/evaluations/{year}", responses={403: {}, 409: {}, 422: {}, 429: {}})
def write_self_assessment(body: SelfAssessmentIn, request: Request, year: int = Path(ge=2000, le=2100),
                          user: User = Depends(web_user)) -> dict[str, Any]:
    """Write (or rewrite) the caller's own self-assessment for the current or the last year."""
    member = _member(request, user)
    if year not in year_end.years_open(local_day(datetime.now(timezone.utc))):
        raise bad_value("year", "只能是今年或去年", "must be this year or last year", code="year_closed")
    if not body.self_assessment.strip():
        raise bad_value("self_assessment", "不能为空", "is required", code="required")
    limit(request, user, "evaluation")
    record_id = year_end.evaluation_id(member.id, year)
    act(request, user, [("evaluation", record_id, {"member_id": member.id, "year": year,
                                                   "self_assessment": body.self_assessment.strip()})])
    with server_state(request).db.engine.connect() as conn:
        return _out(get(conn, "evaluation", record_id), year, lang_of(request))
