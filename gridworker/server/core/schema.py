"""The server's tables, on their own MetaData (the client's Alembic autogenerates from SQLModel.metadata).

One generic record store serves every synced entity, server-managed ones
(areas, users, categories, holidays) included, so that one change feed
carries everything:

- `records`: the present state of each record; `data` is its wire JSON,
  `meta` the per-field bookkeeping of the merge (version, HLC, writer of the
  last change of each field) and, for incidents, the lifecycle state.
  `seq` is the feed position of the record's latest change, which makes a
  first pull a scan of this table instead of the whole history.
- `changes`: the feed. One row per change, in commit order (see db.py for why
  `seq` order is commit order on PostgreSQL too), carrying the area and the
  incident assignee before and after, so that a pull can tell a record that
  left a scope (`evict`) from one that entered it.
- `mutations`: first result of every pushed mutation, for idempotent replay.
- `conflicts`: every collision of the merge, both values, the pusher and —
  when the pushed value won — the author of the value it overwrote.
- `scopes`: immutable snapshots of what a user may see (kind + area closure);
  a user's `scope_id` names the current one and pull cursors carry the one
  they were made under.

Times that only the server compares are unix seconds (Float).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite: INTEGER PRIMARY KEY is the rowid, so the feed is stored in seq order.
SeqType = BigInteger().with_variant(Integer(), "sqlite")
ID = String(36)

server_meta = Table(
    "server_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("entity", String(32), primary_key=True),
    Column("id", ID, primary_key=True),
    Column("area_id", ID),
    Column("seq", SeqType, nullable=False),
    Column("created_seq", SeqType, nullable=False),
    Column("version", Integer, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("data", Text, nullable=False),
    Column("meta", Text, nullable=False),
    Column("assignee_id", ID),  # incidents: who handles it now
    Column("parent_id", ID),  # incident events and photos: the incident they belong to
    Column("sha256", String(64)),  # photos
    Column("updated_at", Float, nullable=False),
    Index(None, "seq"),
    Index(None, "area_id", "seq"),
    # Partial: most records have none of these (migration 0004); queries say IS NOT NULL too.
    *(Index(None, c, sqlite_where=text(f"{c} IS NOT NULL"), postgresql_where=text(f"{c} IS NOT NULL"))
      for c in ("parent_id", "sha256", "assignee_id")),
)

changes = Table(
    "changes",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=False),
    Column("entity", String(32), nullable=False),
    Column("record_id", ID, nullable=False),
    Column("version", Integer, nullable=False),
    Column("area_old", ID),
    Column("area_new", ID),
    Column("owner_old", ID),
    Column("owner_new", ID),
    Column("parent_id", ID),
    Column("at", Float, nullable=False),
)

mutations = Table(
    "mutations",
    metadata,
    Column("user_id", ID, primary_key=True),
    Column("mutation_id", ID, primary_key=True),
    Column("result", Text, nullable=False),
    Column("at", Float, nullable=False),
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("entity", String(32), nullable=False),
    Column("record_id", ID, nullable=False),
    Column("area_id", ID),
    Column("field", String(64), nullable=False),
    Column("mine", Text),  # JSON: the pushed value
    Column("theirs", Text),  # JSON: the value on the server
    Column("winner", String(8), nullable=False),  # client | server
    Column("user_id", ID, nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("mutation_id", ID, nullable=False),
    # Who wrote the value a winning push overwrote (winner "client"), when known: that user's
    # device is told at its next sync (GET /conflicts/mine). Null when the pusher lost: its
    # push answer told it already.
    Column("loser_user_id", ID),
    Column("loser_device_id", String(64)),
    Index(None, "area_id", "id"),
    Index(None, "loser_user_id", "loser_device_id", "id"),
)

users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("area_ids", Text, nullable=False),  # JSON list: the areas assigned (not their closure)
    Column("scope_id", Integer),
    Column("created_at", Float, nullable=False),
)

scopes = Table(
    "scopes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", ID, nullable=False),
    Column("kind", String(8), nullable=False),  # all | areas | handler
    Column("areas", Text, nullable=False),  # JSON list: the closure of the assigned areas
    Column("created_at", Float, nullable=False),
    Index(None, "user_id"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", String(16), primary_key=True),  # public handle, for listing and revoking
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the bearer token
    Column("user_id", ID, nullable=False),
    Column("device_id", String(64), nullable=False),
    Column("device_name", String(100)),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("revoked_at", Float),
    Index(None, "user_id"),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(200), primary_key=True),  # "user:<name>" or "addr:<ip>"
    Column("window_start", Float, nullable=False),
    Column("failures", Integer, nullable=False),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("created_at", Float, nullable=False),
)

blob_uploaders = Table(
    "blob_uploaders",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("user_id", ID, primary_key=True),
)
