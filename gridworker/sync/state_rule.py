"""What a saved sync state means to a person: the one rule the status (sync/status.py) and the
light probe of a quiet round (sync/probe.py) both follow. Standard library only: the probe may not
load the store."""

from __future__ import annotations


def current_state(server_url: str | None, token: str | None, saved_state: str | None, *, set_aside: bool,
                  rejected: int, conflicts: int) -> str:  # fmt: skip
    """The state `status` shows from what the database saved."""
    if not server_url:
        return "not signed in"
    if not token:
        return saved_state if saved_state and saved_state.startswith("signed out") else "signed out: sign in again"
    current = saved_state or "ok"
    if current == "ok" and set_aside:
        return "records set aside"  # never "ok" while something pulled could not be read
    if current == "ok" and (rejected or conflicts):
        return "needs review"  # refused edits or conflicts wait for the user (the sync page, `gridworker conflicts`)
    return current
