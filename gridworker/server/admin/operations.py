"""Admin operations behind `gridworker-server`: areas, users, tokens, categories, holidays, conflicts.

Each takes an open `Database.write()` connection, so a command is one
transaction: an import with one bad line changes nothing. Areas, users,
categories and holidays are also records of the change feed (server-managed
entities), written here with the server as their writer; every change to
users or to the area tree recomputes the scopes it affects.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ...domain import hlc as hlc_mod
from ...domain import passwords
from ...domain import validation as v
from ...domain.enums import AreaLevel, Role
from ...domain.errors import GridWorkerError, ValidationError
from ...domain.register import InvalidRecord
from ...domain.wire import validate as wire_validate
from ...domain.workdays import TABLE_FORMAT, TABLE_VERSION, WorkCalendar, parse_table as parse_holiday_table
from ..core import auth
from ..core.schema import conflicts, records, tokens, users
from ..sync.incidents import calendar_changed
from ..sync.records import SERVER_WRITER, FeedWriter, Rec, rec_from_row
from ..sync.scope import refresh_scopes

NAMESPACE = uuid.UUID("6d1b6a2e-3c55-4f0e-9d43-2f1a8f0c7a11")  # stable ids of categories and holidays
USERNAME = re.compile(r"^[\w.@-]{1,64}$")
MIN_PASSWORD = 8
MAX_ERRORS_SHOWN = 20


class AdminError(GridWorkerError):
    code = "admin_error"


def _fail(problems: list[str], zh_head: str, en_head: str) -> AdminError:
    shown = problems[:MAX_ERRORS_SHOWN]
    more = len(problems) - len(shown)
    tail = f"\n… (+{more})" if more else ""
    text = "\n".join(shown) + tail
    return AdminError(f"{zh_head}：\n{text}", f"{en_head}:\n{text}", details={"problems": problems})


# -- server-managed records -------------------------------------------------------------------
class ServerWrites:
    """Writes server-managed records through the feed, each change once, with the server as writer."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.writer = FeedWriter(conn)
        self.hlc = str(hlc_mod.Hlc(int(time.time() * 1000), 0, SERVER_WRITER))

    def existing(self, entity: str) -> dict[str, Rec]:
        rows = self.conn.execute(select(records).where(records.c.entity == entity))
        return {r.id: rec_from_row(r) for r in rows}

    def put(self, rec: Rec | None, entity: str, record_id: str, data: dict[str, Any], **columns: Any) -> bool:
        """Create or update; returns whether anything changed."""
        rec = rec or Rec(entity, record_id)
        changed = {k: val for k, val in data.items() if rec.data.get(k, object()) != val}
        column_change = any(getattr(rec, k) != val for k, val in columns.items())
        if not changed and not column_change and not rec.deleted and rec.exists:
            return False
        before = self.writer.before(rec)
        rec.version += 1
        rec.deleted = False
        rec.meta.pop("d", None)
        rec.set_fields(changed, rec.version, self.hlc, SERVER_WRITER)
        for k, val in columns.items():
            setattr(rec, k, val)
        self.writer.saved(rec, before)
        return True

    def delete(self, rec: Rec) -> None:
        if rec.deleted:
            return
        before = self.writer.before(rec)
        rec.version += 1
        rec.deleted = True
        rec.meta["d"] = [rec.version, self.hlc, SERVER_WRITER]
        self.writer.saved(rec, before)

    def flush(self) -> None:
        self.writer.flush()


# -- areas ------------------------------------------------------------------------------------
_AREA_COLUMNS = {
    "code": ("code", "编码", "area code", "区域编码"),
    "parent_code": ("parent_code", "parent code", "parent", "上级编码", "上级"),
    "name": ("name", "名称", "区域名称"),
    "level": ("level", "层级", "级别"),
}


def read_area_file(path: str | Path) -> list[dict[str, Any]]:
    """Rows of an area file: CSV with a header (code, parent_code, name, level) or JSON (a list, or {"areas": [...]})."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminError(f"无法读取文件 {path}：{exc}", f"Cannot read {path}: {exc}") from exc
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AdminError(f"{path} 不是有效的 JSON（第{exc.lineno}行）", f"{path} is not valid JSON (line {exc.lineno})") from exc
        rows = data.get("areas") if isinstance(data, dict) else data
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise AdminError("JSON 应为区域对象的列表", "The JSON must be a list of area objects")
        return [_normalise_keys(r) for r in rows]
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise AdminError(f"{path} 是空文件", f"{path} is empty")
    return [_normalise_keys(r) for r in reader]


def _normalise_keys(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        k = str(key or "").strip().lower()
        for name, synonyms in _AREA_COLUMNS.items():
            if k in synonyms:
                out[name] = value.strip() if isinstance(value, str) else value
    return out


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def import_areas(conn: Connection, rows: list[dict[str, Any]]) -> ImportCounts:
    """Create or update areas by code; parents may come from the file or the database. All or nothing."""
    w = ServerWrites(conn)
    existing = {r.data["code"]: r for r in w.existing("area").values()}
    clean, problems = _checked_areas(rows, existing)
    if problems:
        raise _fail(problems, "区域文件有误，未导入任何区域", "The area file has errors; no area was imported")
    ids = {code: rec.id for code, rec in existing.items()}
    ids.update({r["code"]: str(uuid.uuid4()) for r in clean if r["code"] not in ids})
    counts = ImportCounts()
    for r in clean:
        rec = existing.get(r["code"])
        area_id = ids[r["code"]]
        parent_id = ids.get(r["parent_code"]) if r["parent_code"] else None
        data = {"area_id": area_id, "parent_id": parent_id, "code": r["code"], "name": r["name"], "level": r["level"]}
        if w.put(rec, "area", area_id, data, area_id=area_id, parent_id=parent_id):
            counts.created += rec is None
            counts.updated += rec is not None
        else:
            counts.unchanged += 1
    w.flush()
    refresh_scopes(conn)
    return counts


def _checked_areas(rows: list[dict[str, Any]], existing: dict[str, Rec]) -> tuple[list[dict[str, Any]], list[str]]:
    """The rows cleaned, and every problem with them: bad values, duplicate codes, unknown parents, loops."""
    problems, clean = [], []
    for number, row in enumerate(rows, start=2 if rows else 1):
        try:
            clean.append(_clean_area(row))
        except ValidationError as e:
            problems.append(f"#{number}: {e.en} / {e.zh}")
    codes = [r["code"] for r in clean]
    problems += [f"duplicate code {c} / 编码重复 {c}" for c in sorted({c for c in codes if codes.count(c) > 1})]
    code_of = {rec.id: code for code, rec in existing.items()}
    parent_of = {code: code_of.get(rec.data.get("parent_id")) for code, rec in existing.items()}
    parent_of.update({r["code"]: r["parent_code"] for r in clean})
    for r in clean:
        if r["parent_code"] and r["parent_code"] not in parent_of:
            problems.append(f"{r['code']}: unknown parent {r['parent_code']} / 上级编码不存在")
    problems += _cycles(parent_of)
    return clean, problems


def _clean_area(row: dict[str, Any]) -> dict[str, Any]:
    level = v.enum(AreaLevel, "level", row.get("level"), required=True)
    return {
        "code": v.text("code", row.get("code"), required=True, max_len=64),
        "parent_code": v.text("parent_code", row.get("parent_code"), max_len=64),
        "name": v.text("name", row.get("name"), required=True, max_len=100),
        "level": level.value,
    }


def _cycles(parent_of: dict[str, str | None]) -> list[str]:
    problems = []
    for start in parent_of:
        seen, code = set(), start
        while code is not None and code not in seen:
            seen.add(code)
            code = parent_of.get(code)
        if code == start:
            problems.append(f"{start}: the parents form a loop / 上级关系成环")
    return problems


def list_areas(conn: Connection) -> list[dict[str, Any]]:
    """Live areas in tree order (each followed by its children, by code), with their depth."""
    rows = conn.execute(select(records.c.id, records.c.data).where(records.c.entity == "area", records.c.deleted.is_(False)))
    areas = [{"id": i} | json.loads(d) for i, d in rows]
    ids = {a["id"] for a in areas}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for a in areas:
        children.setdefault(a.get("parent_id") if a.get("parent_id") in ids else None, []).append(a)
    out: list[dict[str, Any]] = []
    stack = [(a, 0) for a in sorted(children.get(None, []), key=lambda a: a["code"], reverse=True)]
    while stack:
        area, depth = stack.pop()
        out.append(area | {"depth": depth})
        stack += [(c, depth + 1) for c in sorted(children.get(area["id"], []), key=lambda a: a["code"], reverse=True)]
    return out


def area_ids_for(conn: Connection, codes: list[str]) -> list[str]:
    by_code = {a["code"]: a["id"] for a in list_areas(conn)}
    missing = [c for c in codes if c not in by_code]
    if missing:
        raise AdminError(f"区域编码不存在：{', '.join(missing)}", f"Unknown area code(s): {', '.join(missing)}")
    return [by_code[c] for c in codes]


# -- users ------------------------------------------------------------------------------------
def _user_record(w: ServerWrites, row) -> None:
    found = w.conn.execute(select(records).where(records.c.entity == "user", records.c.id == row.id)).first()
    rec = rec_from_row(found) if found else None
    data = {
        "username": row.username, "display_name": row.display_name, "role": row.role,
        "area_ids": json.loads(row.area_ids), "disabled": bool(row.disabled),
    }  # fmt: skip
    w.put(rec, "user", row.id, data)


def _mirror_user(conn: Connection, user_id: str) -> None:
    w = ServerWrites(conn)
    _user_record(w, conn.execute(select(users).where(users.c.id == user_id)).one())
    w.flush()
    refresh_scopes(conn, [user_id])


def check_password(password: str) -> str:
    """The shared policy (domain/passwords.py) with the server's minimum length; AdminError `weak_password` otherwise."""
    try:
        return passwords.check_password(password, min_length=MIN_PASSWORD)
    except ValidationError as exc:
        raise AdminError(exc.zh, exc.en, code=exc.code) from None


def _role(role: str) -> str:
    try:
        return Role(role).value
    except ValueError:
        raise AdminError(f"角色“{role}”无效（worker、dispatcher、handler、admin、member、resident）", f"Role '{role}' is not one of worker, dispatcher, handler, admin, member, resident") from None


def get_user(conn: Connection, username: str):
    row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None:
        raise AdminError(f"用户“{username}”不存在", f"No user '{username}'")
    return row


def add_user(
    conn: Connection, username: str, role: str, area_codes: list[str], password: str, display_name: str | None = None
) -> str:
    if not USERNAME.match(username or ""):
        raise AdminError("用户名须为1到64个字母、数字、_.@-", "A username is 1 to 64 letters, digits or _ . @ -")
    role = _role(role)
    if role in ("worker", "dispatcher") and not area_codes:
        raise AdminError("网格员和社区工作人员至少需要一个区域（--area）", "Workers and dispatchers need at least one area (--area)")
    if conn.execute(select(users.c.id).where(users.c.username == username)).first():
        raise AdminError(f"用户“{username}”已存在", f"User '{username}' already exists")
    area_ids = area_ids_for(conn, area_codes)
    user_id = str(uuid.uuid4())
    conn.execute(
        insert(users).values(
            id=user_id, username=username, display_name=v.text("name", display_name, max_len=100) or username,
            role=role, password_hash=auth.hash_password(check_password(password)), disabled=False,
            area_ids=json.dumps(area_ids), created_at=time.time(),
        )
    )  # fmt: skip
    _mirror_user(conn, user_id)
    return user_id


def update_user(
    conn: Connection, username: str, *, role: str | None = None, area_codes: list[str] | None = None,
    display_name: str | None = None,
) -> None:  # fmt: skip
    row = get_user(conn, username)
    values: dict[str, Any] = {}
    if role is not None:
        values["role"] = _role(role)
    if area_codes is not None:
        values["area_ids"] = json.dumps(area_ids_for(conn, area_codes))
    if display_name is not None:
        values["display_name"] = v.text("name", display_name, required=True, max_len=100)
    if values:
        conn.execute(update(users).where(users.c.id == row.id).values(**values))
        _mirror_user(conn, row.id)


def set_disabled(conn: Connection, username: str, disabled: bool) -> None:
    """Disable (every token stops at once, and is revoked) or enable a user."""
    row = get_user(conn, username)
    conn.execute(update(users).where(users.c.id == row.id).values(disabled=disabled))
    if disabled:
        auth.revoke(conn, user_id=row.id)
    _mirror_user(conn, row.id)


def reset_password(conn: Connection, username: str, password: str) -> None:
    row = get_user(conn, username)
    conn.execute(update(users).where(users.c.id == row.id).values(password_hash=auth.hash_password(check_password(password))))
    auth.revoke(conn, user_id=row.id)


def list_users(conn: Connection) -> list[dict[str, Any]]:
    names = {a["id"]: a["code"] for a in list_areas(conn)}
    out = []
    for r in conn.execute(select(users).order_by(users.c.username)):
        out.append(
            {"id": r.id, "username": r.username, "display_name": r.display_name, "role": r.role,
             "areas": [names.get(a, a) for a in json.loads(r.area_ids)], "disabled": bool(r.disabled)}
        )  # fmt: skip
    return out


# -- tokens -----------------------------------------------------------------------------------
def revoke_tokens(conn: Connection, *, token_id: str | None, username: str | None, device_id: str | None) -> int:
    if not (token_id or username or device_id):
        raise AdminError("请指定令牌编号、--user 或 --device", "Name a token id, --user or --device")
    user_id = get_user(conn, username).id if username else None
    return auth.revoke(conn, token_id=token_id, user_id=user_id, device_id=device_id)


def list_tokens(conn: Connection, username: str | None = None) -> list[dict[str, Any]]:
    q = select(tokens, users.c.username).select_from(tokens.join(users, users.c.id == tokens.c.user_id))
    if username:
        q = q.where(users.c.username == username)
    now = time.time()
    return [
        {"id": r.id, "username": r.username, "device_id": r.device_id, "device_name": r.device_name,
         "created_at": r.created_at, "expires_at": r.expires_at,
         "state": "revoked" if r.revoked_at else "expired" if r.expires_at <= now else "active"}
        for r in conn.execute(q.order_by(tokens.c.created_at))
    ]  # fmt: skip


# -- categories and holidays ---------------------------------------------------------------------
def import_categories(conn: Connection, table: dict[str, Any]) -> ImportCounts:
    """Replace the category table (format of domain.categories); categories not in it are withdrawn."""
    # Imported here: it loads the pinyin dictionaries, which a serving process never needs.
    from ...domain.categories import CategoryTable, parse_table as parse_category_table

    cats = CategoryTable(parse_category_table(table))
    w = ServerWrites(conn)
    old = w.existing("category")
    counts, kept = ImportCounts(), set()
    for c in cats:
        cid = str(uuid.uuid5(NAMESPACE, "category:" + c.code))
        kept.add(cid)
        data = {"code": c.code, "name": c.name, "name_en": c.name_en, "parent_code": c.parent_code, "kind": c.kind,
                "level_default": c.level_default, "photo_required": c.photo_required, "keywords": list(c.keywords)}  # fmt: skip
        rec = old.get(cid)
        if w.put(rec, "category", cid, data):
            counts.created += rec is None or rec.deleted
            counts.updated += rec is not None and not rec.deleted
        else:
            counts.unchanged += 1
    for cid, rec in old.items():
        if cid not in kept:
            w.delete(rec)
    w.flush()
    return counts


def import_point_rules(conn: Connection, table: dict[str, Any]) -> ImportCounts:
    """Replace the points rules (format of resources/point_rules.json); items not in it are withdrawn."""
    if not isinstance(table, dict) or table.get("format") != "gridworker-point-rules" or not isinstance(table.get("areas"), list):
        raise AdminError("积分细则文件格式不对（应为 gridworker-point-rules）", "The file is not a points rules table (gridworker-point-rules)")
    w = ServerWrites(conn)
    old = w.existing("point_rule")
    counts, kept = ImportCounts(), set()
    for area in table["areas"]:
        for item in area.get("items") or []:
            data = {"code": item.get("code"), "name": item.get("name"), "name_en": item.get("name_en"), "area_code": area.get("code"),
                    "area_name": area.get("name"), "area_name_en": area.get("name_en"), "points": item.get("points"),
                    "from_seed": bool(area.get("from_seed"))}  # fmt: skip
            try:
                data = wire_validate("point_rule", data, creating=True)
            except InvalidRecord as e:
                raise AdminError(f"积分细则“{item.get('code')}”有误：{e.zh}", f"Rule item '{item.get('code')}' is not valid: {e.en}") from None
            rid = str(uuid.uuid5(NAMESPACE, "point_rule:" + data["code"]))
            kept.add(rid)
            rec = old.get(rid)
            if w.put(rec, "point_rule", rid, data):
                counts.created += rec is None or rec.deleted
                counts.updated += rec is not None and not rec.deleted
            else:
                counts.unchanged += 1
    for rid, rec in old.items():
        if rid not in kept:
            w.delete(rec)
    w.flush()
    return counts


def import_holidays(conn: Connection, table: dict[str, Any]) -> ImportCounts:
    """Load a holiday table (format of domain.workdays): the years it holds replace those years."""
    incoming = parse_holiday_table(table)
    w = ServerWrites(conn)
    old = w.existing("holiday")
    live = [r for r in old.values() if not r.deleted and r.data["year"] not in {p.year for p in incoming}]
    kept_periods = parse_holiday_table(_table_of([r.data for r in live])) if live else []
    WorkCalendar(kept_periods + incoming)  # refuses a day that is both off and a make-up working day
    counts, kept = ImportCounts(), {r.id for r in live}
    for p in incoming:
        hid = str(uuid.uuid5(NAMESPACE, f"holiday:{p.year}:{p.first.isoformat()}"))
        kept.add(hid)
        data = {"year": p.year} | p.to_entry()
        rec = old.get(hid)
        if w.put(rec, "holiday", hid, data):
            counts.created += rec is None or rec.deleted
            counts.updated += rec is not None and not rec.deleted
        else:
            counts.unchanged += 1
    for hid, rec in old.items():
        if hid not in kept:
            w.delete(rec)
    w.flush()
    calendar_changed(conn)
    return counts


def _table_of(periods: list[dict[str, Any]]) -> dict[str, Any]:
    years: dict[str, list] = {}
    for p in periods:
        years.setdefault(str(p["year"]), []).append({k: p[k] for k in ("name", "name_en", "from", "to", "workdays")})
    return {"format": TABLE_FORMAT, "version": TABLE_VERSION, "years": years}


def read_json_file(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminError(f"无法读取文件 {path}：{exc}", f"Cannot read {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise AdminError(f"{path} 不是有效的 JSON（第{exc.lineno}行）", f"{path} is not valid JSON (line {exc.lineno})") from exc


# -- conflicts --------------------------------------------------------------------------------------
def list_conflicts(conn: Connection, after: int = 0, limit: int = 100) -> list[Any]:
    return conn.execute(select(conflicts).where(conflicts.c.id > after).order_by(conflicts.c.id).limit(limit)).all()
