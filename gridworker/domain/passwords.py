"""The password policy, one for the server's users and the local accounts.

A password is refused when it is shorter than the caller's minimum, only
white space, one character repeated (``aaaaaaaa``, eight spaces), or one of
the most common passwords (``resources/common-passwords.txt`` at the top level, compared
without regard to case or surrounding spaces). Each refusal is a
ValidationError on the field ``password`` with code ``weak_password`` and a
message in Chinese and English that says what to change.
"""

from __future__ import annotations

from functools import lru_cache

from .. import resources_path
from .errors import ValidationError

FIELD = "password"
LIST_FILE = "common-passwords.txt"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The refused common passwords, lower case."""
    text = resources_path(LIST_FILE).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


def _weak(zh: str, en: str) -> ValidationError:
    return ValidationError(FIELD, zh, en, code="weak_password")


def check_password(password: str, *, min_length: int) -> str:
    """`password` itself if the policy allows it; ValidationError `weak_password` naming the reason otherwise."""
    if not isinstance(password, str) or not password.strip():
        raise _weak("密码不能为空，也不能只有空格", "The password cannot be empty or only spaces")
    if len(password) < min_length:
        raise _weak(f"密码至少需要{min_length}个字符", f"The password needs at least {min_length} characters")
    if len(set(password)) == 1:
        raise _weak(
            "密码不能由同一个字符重复组成（如“aaaaaaaa”），请换一个",
            "The password cannot be one character repeated (like 'aaaaaaaa'): choose another",
        )
    if password.strip().lower() in common_passwords():
        raise _weak(
            "这个密码太常见（在常用密码表中），很容易被猜中，请换一个",
            "This password is one of the most common ones and easily guessed: choose another",
        )
    return password
