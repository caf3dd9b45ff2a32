"""Where things may be placed: the areas records may go in, and the building nearest a position."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from ...domain.models import Area, Building
from .. import incidents, visits
from ..scope import writable_areas


@dataclass(frozen=True)
class NearbyBuilding:
    building_id: str
    label: str  # estate + name
    area_id: str | None
    distance_m: float


def nearest_building(store: Any, lat: float, lon: float, *, max_m: float = 300.0) -> NearbyBuilding | None:
    """The building closest to a position (within `max_m`): it suggests the grid and the address."""
    dlat = max_m / 111_320.0
    dlon = max_m / (111_320.0 * max(math.cos(math.radians(lat)), 0.01))
    q = select(Building).where(
        Building.deleted == False,  # noqa: E712
        Building.lat.between(lat - dlat, lat + dlat),
        Building.lon.between(lon - dlon, lon + dlon),
    )
    with store.read() as s:
        allowed = writable_areas(s)
        near = [(incidents.haversine_m(lat, lon, b.lat, b.lon), b) for b in s.exec(q)]
    near = [(d, b) for d, b in near if d <= max_m and (allowed is None or b.area_id in allowed)]
    if not near:
        return None
    d, b = min(near, key=lambda t: t[0])
    return NearbyBuilding(b.id, f"{b.estate or ''}{b.name}", b.area_id, d)


@dataclass(frozen=True)
class AreaChoice:
    id: str
    name: str
    level: str
    depth: int  # 0 for the top areas on this computer


def area_choices(store: Any) -> list[AreaChoice]:
    """The areas records may be placed in (services.scope: a linked account's own), depth first."""
    with store.read() as s:
        areas = list(s.exec(select(Area).where(Area.deleted == False)))  # noqa: E712
        allowed = writable_areas(s)
    if allowed is not None:
        areas = [a for a in areas if a.id in allowed]
    ids = {a.id for a in areas}
    children: dict[str | None, list[Area]] = {}
    for a in areas:
        children.setdefault(a.parent_id if a.parent_id in ids else None, []).append(a)
    out: list[AreaChoice] = []

    def walk(parent: str | None, depth: int) -> None:
        for a in sorted(children.get(parent, []), key=lambda a: visits.natural_key(a.code)):
            out.append(AreaChoice(a.id, a.name, a.level, depth))
            walk(a.id, depth + 1)

    walk(None, 0)
    return out


@dataclass(frozen=True)
class CommunityChoice:
    code: str
    name: str


def communities(store: Any) -> list[CommunityChoice]:
    """Every community on this computer (the area tree is pulled whole): for the phone pages' QR codes."""
    with store.read() as s:
        found = s.exec(select(Area).where(Area.deleted == False, Area.level == "community"))  # noqa: E712
        return sorted((CommunityChoice(a.code, a.name) for a in found), key=lambda c: visits.natural_key(c.code))
