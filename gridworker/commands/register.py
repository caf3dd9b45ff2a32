"""gridworker search QUERY... [--limit N] [--json] [--all] | household show ID [--json]

Text output masks ID and phone numbers (110105********1247, 138****8000), as a
screen over someone's shoulder would; --json gives the full values to scripts.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

# The search services (pypinyin's phrase dictionary) and the models are imported by the commands
# that use them, so that the other commands start fast (see gridworker.cli).
if TYPE_CHECKING:
    from ..domain.models import SyncedRecord
    from ..services.search import HouseholdCard


def register(sub) -> None:
    p = sub.add_parser("search", help="find people by name, pinyin initials, ID or phone digits, or address")
    p.add_argument("query", nargs="+", help="what to look for; several words must all match")
    p.add_argument("--limit", type=int, default=50, help="at most this many people (default 50)")
    p.add_argument("--json", action="store_true", help="print JSON with full ID and phone numbers")
    p.add_argument("--all", action="store_true", help="include people who moved out or died")
    p.set_defaults(func=search_command)
    h = sub.add_parser("household", help="households: show one with its people and history")
    hsub = h.add_subparsers(dest="household_command", metavar="ACTION", required=True)
    show = hsub.add_parser("show", help="a household, its building, the people living there and who lived there")
    show.add_argument("household_id")
    show.add_argument("--json", action="store_true", help="print JSON with full ID and phone numbers")
    show.set_defaults(func=household_show)


def _label(enum_cls, value: str | None, lang: str) -> str:
    if not value:
        return ""
    try:
        return enum_cls(value).label(lang)
    except ValueError:
        return value


def _print_json(value: Any) -> None:
    from ..domain.models import to_wire

    print(json.dumps(value, ensure_ascii=False, indent=2, default=to_wire))


def search_command(args, ctx) -> int:
    from ..domain.enums import Gender, PersonStatus
    from ..services.search import find_people, mask_id_number, mask_phone

    query = " ".join(args.query)
    hits = find_people(ctx.store(), query, limit=args.limit, include_inactive=args.all)
    if args.json:
        _print_json([asdict(h) for h in hits])
        return 0
    for h in hits:
        cols = [h.name, _label(Gender, h.gender, ctx.lang), mask_id_number(h.id_number), mask_phone(h.phone), h.address]
        if h.status != PersonStatus.active.value:
            cols.append(f"[{_label(PersonStatus, h.status, ctx.lang)}]")
        cols.append(f"{'户' if ctx.lang == 'zh' else 'household'} {h.household_id or '-'}")
        print("  ".join(c for c in cols if c))
    if hits:
        ctx.say(f"共 {len(hits)} 人", f"{len(hits)} found")
    else:
        ctx.say(f"没有找到“{query}”", f"Nothing found for '{query}'")
    return 0


def _record(obj: SyncedRecord | None) -> dict[str, Any] | None:
    from ..domain.models import LOCAL_FIELDS, to_wire

    if obj is None:
        return None
    return {k: to_wire(v) for k, v in obj.model_dump().items() if k == "id" or k not in LOCAL_FIELDS}


def household_show(args, ctx) -> int:
    from ..services.search import household_card

    card = household_card(ctx.store(), args.household_id)
    if args.json:
        _print_json(
            {
                "household": _record(card.household),
                "building": _record(card.building),
                "members": [_record(p) for p in card.members],
                "history": [asdict(e) for e in card.history],
            }
        )
        return 0
    _print_card(card, ctx)
    return 0


def _print_card(card: HouseholdCard, ctx) -> None:
    from ..domain.enums import Housing
    from ..services.search import mask_phone

    zh = ctx.lang == "zh"
    hh, b = card.household, card.building
    print(f"{'住户' if zh else 'Household'} {hh.address or ''}  ({hh.id})")
    if b is not None:
        print(f"{'楼栋：' if zh else 'Building: '}{' '.join(x for x in (b.estate, b.name, b.address) if x)}")
    facts = [_label(Housing, hh.housing, ctx.lang), mask_phone(hh.phone)]
    if any(facts):
        print("  ".join(f for f in facts if f))
    _print_members(card, ctx.lang)
    _print_history(card, ctx.lang)


def _print_members(card: HouseholdCard, lang: str) -> None:
    from ..domain.enums import Gender, Relation
    from ..services.search import mask_id_number, mask_phone

    print(f"在住成员（{len(card.members)}）：" if lang == "zh" else f"Living here ({len(card.members)}):")
    for p in card.members:
        cols = [_label(Relation, p.relation, lang) or "-", p.name, _label(Gender, p.gender, lang),
                mask_id_number(p.id_number), mask_phone(p.phone)]  # fmt: skip
        print("  " + "  ".join(c for c in cols if c))


def _print_history(card: HouseholdCard, lang: str) -> None:
    from ..domain.enums import Relation

    zh = lang == "zh"
    print(f"居住记录（{len(card.history)}）：" if zh else f"History ({len(card.history)}):")
    for e in card.history:
        stay = f"{e.moved_in or '?'} → {e.moved_out or ('至今' if zh else 'now')}"
        cols = [stay, e.name, _label(Relation, e.relation, lang), e.reason or ""]
        print("  " + "  ".join(c for c in cols if c))
