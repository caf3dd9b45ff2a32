"""Alembic migrations of the local database, run programmatically (no alembic.ini).

Opening an account checks the schema on every start of the app and of every
`gridworker` command. Alembic costs a few hundred milliseconds to import, so
the common case — the database is at the head already — is decided without
it: the revision in `alembic_version` against the head read from the
migration files' `revision`/`down_revision` lines. Anything unusual (several
heads, a file it cannot read) goes to Alembic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import GridWorkerError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
_ASSIGN = re.compile(r"""^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:['"]([^'"]+)['"]|None)\s*$""", re.M)


def config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    stored = _stored_revision(engine)
    if revision == "head" and stored == (quick_head() or head()):
        return  # the common case: nothing to do, and no Alembic start-up cost
    if stored is not None and stored not in _revisions():
        raise NewerData(stored)
    from alembic import command

    command.upgrade(config(engine), revision)


class NewerData(GridWorkerError):
    """The database is at a revision this version does not have: a newer version of the app wrote it."""

    def __init__(self, revision: str):
        super().__init__(
            "此账户的数据由更新版本的网格员工作台写入，本版本无法打开：请安装该版本或更新的版本。数据未被改动。",
            "This account's data was written by a newer version of GridWorker, which this version cannot open: "
            "install that version or a newer one. Nothing was changed.",
            code="newer_data", details={"revision": revision},
        )


def _revisions() -> set[str]:
    """Every revision the migration files name (their text; Alembic's own list where that is not plain)."""
    found = {m.group(2) for path in (MIGRATIONS / "versions").glob("*.py")
             for m in _ASSIGN.finditer(path.read_text("utf-8")) if m.group(1) == "revision" and m.group(2)}  # fmt: skip
    if found:
        return found
    from alembic.script import ScriptDirectory

    return {r.revision for r in ScriptDirectory.from_config(config()).walk_revisions()}


def current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(config()).get_current_head()


def quick_head() -> str | None:
    """The head revision from the files' text, without Alembic; None when that is not plain (then ask Alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in _ASSIGN.finditer(path.read_text("utf-8")))
        if "revision" not in found or found["revision"] is None or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"] is not None:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    from sqlalchemy import text

    with engine.connect() as conn:
        if conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")).first() is None:
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if len(rows) == 1 else None
