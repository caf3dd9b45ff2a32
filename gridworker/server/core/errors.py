"""The errors the server answers with: an HTTP status, a machine code and a message in both languages.

Raised anywhere in the server (storage, sync, routes); gridworker.server.api.errors turns them into
the error bodies of PROTOCOL.md.
"""

from __future__ import annotations

from typing import Any

from ...domain.errors import GridWorkerError


class ApiError(Exception):
    """An answer other than 2xx, with its machine code and a message in both languages."""

    def __init__(
        self,
        status: int,
        code: str,
        zh: str,
        en: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(en)
        self.status = status
        self.code = code
        self.zh = zh
        self.en = en
        self.details = details or {}
        self.headers = headers or {}


def from_domain(err: GridWorkerError, status: int = 422) -> ApiError:
    return ApiError(status, err.code, err.zh, err.en, err.details)


# -- the errors every route shares ---------------------------------------------------
def unauthorized(code: str = "unauthorized") -> ApiError:
    return ApiError(
        401,
        code,
        "未登录或登录已失效，请重新登录",
        "Not signed in, or the sign-in has expired: sign in again",
        headers={"WWW-Authenticate": "Bearer"},
    )


def forbidden(zh: str, en: str, details: dict | None = None) -> ApiError:
    return ApiError(403, "forbidden", zh, en, details)


def not_found(what_zh: str = "内容", what_en: str = "resource") -> ApiError:
    return ApiError(404, "not_found", f"找不到该{what_zh}", f"No such {what_en}")


def too_large(limit_name: str, limit: int, unit: str = "bytes") -> ApiError:
    return ApiError(
        413,
        "too_large",
        f"请求超过上限：{limit_name} 最多 {limit} {unit}",
        f"Request over the limit: {limit_name} is at most {limit} {unit}",
        {"limit": limit_name, "max": limit, "unit": unit},
    )


def bad_request(code: str, zh: str, en: str, details: dict | None = None) -> ApiError:
    return ApiError(400, code, zh, en, details)
