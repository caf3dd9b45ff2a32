"""Errors the core raises for people to read: each names the field and speaks Chinese and English."""

from __future__ import annotations


class GridWorkerError(Exception):
    """Base of every error meant to be shown to a user."""

    code = "error"

    def __init__(self, zh: str, en: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(en)
        self.zh = zh
        self.en = en
        if code:
            self.code = code
        self.details = details or {}

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


class ValidationError(GridWorkerError):
    """One invalid field value."""

    code = "invalid_value"

    def __init__(self, field: str, zh: str, en: str, *, code: str | None = None):
        super().__init__(zh, en, code=code, details={"field": field})
        self.field = field


class NotFound(GridWorkerError):
    code = "not_found"


class Refused(GridWorkerError):
    """An operation that is not allowed in the record's present state."""

    code = "refused"


class WrongPassword(GridWorkerError):
    code = "wrong_password"

    def __init__(self):
        super().__init__("密码错误，数据库未打开。", "Wrong password: the database was not opened.")


# What the server answers a write outside the writer's areas; the client refuses the same write offline
# with the same words (services.scope), so the user reads one message wherever it is caught.
OUT_OF_SCOPE = ("out_of_scope", "该记录不在您负责的范围内", "The record is outside your areas")


class OutOfScope(Refused):
    code = OUT_OF_SCOPE[0]

    def __init__(self, field: str = "area_id"):
        super().__init__(OUT_OF_SCOPE[1], OUT_OF_SCOPE[2], details={"field": field})
        self.field = field
