"""Error bodies of PROTOCOL.md, `{"error": {"code", "message", "details"}}`, for every error the app can give.

Messages are Chinese unless the request's Accept-Language starts with "en";
the `code` is the machine-readable part and never changes with the language.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..core.errors import ApiError, bad_request

log = logging.getLogger("gridworker.server")


def lang_of(request: Request) -> str:
    return "en" if request.headers.get("accept-language", "").lower().startswith("en") else "zh"


def body(code: str, message: str, details: dict[str, Any] | None = None, *, zh: str = "", en: str = "") -> dict[str, Any]:
    """The error body; `message_zh`/`message_en` carry both languages (a client shows its user's, whatever it asked in)."""
    err: dict[str, Any] = {"code": code, "message": message, "details": details or {}}
    if zh and en:
        err |= {"message_zh": zh, "message_en": en}
    return {"error": err}


class _SafeJSON(JSONResponse):
    """JSON that always encodes: text echoed from the request may hold lone surrogates (JSON allows
    "\\ud800", UTF-8 does not); those are written escaped instead of failing the answer."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")


def error_response(request: Request, err: ApiError) -> JSONResponse:
    message = err.en if lang_of(request) == "en" else err.zh
    return _SafeJSON(body(err.code, message, err.details, zh=err.zh, en=err.en), status_code=err.status, headers=err.headers)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for e in exc.errors()[:50]:
        out.append({"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type", ""), "message": e.get("msg", "")})
    return out


def _named(errors: list[dict[str, Any]]) -> ApiError:
    """The participation API's answer to a request its models refuse: 422 naming the (first) field."""
    from ...domain.validation import label

    first = errors[0] if errors else {"loc": [], "type": ""}
    names = [p for p in first["loc"][1:] if not p.isdigit()] or ["body"]
    field = names[-1]
    zh, en = (label(field), label(field, "en")) if field != "body" else ("请求内容", "the request")
    kind = first.get("type", "")
    if kind in ("missing", "blank"):
        words = (f"{zh}不能为空", f"{en[:1].upper()}{en[1:]} is required")
    elif kind == "extra_forbidden":
        words = (f"不认识的字段“{field[:40]}”", f"unknown field '{field[:40]}'")
    else:
        words = (f"{zh}的值无效", f"{en[:1].upper()}{en[1:]} has an invalid value")
    return ApiError(422, "invalid_value", words[0], words[1], {"field": field, "errors": errors})


def install(app: FastAPI) -> None:
    """Route every kind of failure through our error body."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = _validation_details(exc)
        if any(e["loc"][:2] == ["path", "sha256"] for e in errors):
            err = bad_request(
                "bad_hash", "照片哈希应为64位小写十六进制字符", "A blob hash is 64 lowercase hexadecimal characters", {"errors": errors}
            )
        elif any(e["type"] == "json_invalid" for e in errors):
            err = bad_request("malformed_json", "请求体不是有效的 JSON", "The request body is not valid JSON", {"errors": errors})
        elif request.url.path.startswith("/api/v1/p/"):
            err = _named(errors)  # the web pages show the message: it names the field in the user's words
        else:
            err = ApiError(422, "invalid_request", "请求内容无效", "The request is not valid", {"errors": errors})
        return error_response(request, err)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        codes = {
            404: ("not_found", "找不到该地址", "No such address"),
            405: ("method_not_allowed", "该地址不支持此请求方法", "This address does not take that method"),
            # FastAPI's answer when the body cannot be parsed at all (e.g. nested deeper than the parser goes).
            400: ("malformed_json", "请求体不是有效的 JSON", "The request body is not valid JSON"),
        }
        code, zh, en = codes.get(exc.status_code, ("http_error", str(exc.detail), str(exc.detail)))
        return error_response(request, ApiError(exc.status_code, code, zh, en, headers=dict(exc.headers or {})))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):
        # A bug, not bad input (tests make sure bad input never gets here):
        # log it in full, tell the client to try again later.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        err = ApiError(500, "internal_error", "服务器内部错误，请稍后再试", "Internal server error: try again later")
        return error_response(request, err)
