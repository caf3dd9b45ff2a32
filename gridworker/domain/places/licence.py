"""The unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character set (digits and capital letters without
I O Z S V): registration authority (1), organisation category (1), region
code (6 digits), the organisation code of GB 11714 (9: 8 characters and
their own check digit, MOD 11), and a check character (MOD 31 over the first
17, weights 3^(i-1) mod 31).
"""

from __future__ import annotations

import unicodedata

from ..errors import ValidationError

FIELD = "licence_number"
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # value = index
_VALUE = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Registration authorities (登记管理部门代码) of the standard and its amendments:
# 1 机构编制 2 外交 3 司法行政 4 文化 5 民政 6 旅游 7 宗教 8 工会 9 市场监管（工商） A 军队编制 N 农业 Y 其他
AUTHORITIES = frozenset("123456789ANY")
_SEPARATORS = frozenset(" \t-\u3000")


def normalise(text: object) -> str:
    """ASCII upper case: full-width and other Unicode digits and letters folded, spaces and dashes dropped."""
    out = []
    for ch in unicodedata.normalize("NFKC", str(text or "")):
        if ch in _SEPARATORS or ch.isspace():
            continue
        if ch.isdigit() and not ch.isascii():
            out.append(str(unicodedata.digit(ch, 0)))
        else:
            out.append(ch.upper())
    return "".join(out)


def check_char(first17: str) -> str:
    """The 18th character for the first 17 (all in CHARSET)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def org_value(c: str) -> int:
    """GB 11714: a digit is itself, a letter A-Z is 10-35."""
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714) for its first 8."""
    c = 11 - sum(org_value(ch) * w for ch, w in zip(first8, ORG_WEIGHTS)) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def parse(text: object, field: str = FIELD) -> str:
    """The code normalised, or ValidationError naming the field and saying what is wrong."""
    n = normalise(text)
    if len(n) != 18:
        raise ValidationError(
            field,
            f"统一社会信用代码应为18位，现为{len(n)}位",
            f"The unified social credit code must have 18 characters, it has {len(n)}",
            code="licence_length",
        )
    bad = [c for c in n if c not in _VALUE]
    if bad:
        shown = "、".join(dict.fromkeys(bad))
        raise ValidationError(
            field,
            f"统一社会信用代码含有不允许的字符：{shown}（不使用字母I、O、Z、S、V）",
            f"The unified social credit code contains characters it cannot hold: {', '.join(dict.fromkeys(bad))}"
            " (the letters I, O, Z, S and V are not used)",
            code="licence_chars",
        )
    if n[0] not in AUTHORITIES or not n[1].isdigit() or n[1] == "0":
        raise ValidationError(
            field,
            f"统一社会信用代码前两位“{n[:2]}”不是有效的登记管理部门和机构类别代码",
            f"The unified social credit code starts with '{n[:2]}', which is not a registration authority and category",
            code="licence_authority",
        )
    if not n[2:8].isdigit():
        raise ValidationError(
            field,
            f"统一社会信用代码第3至8位应为行政区划代码（6位数字），现为“{n[2:8]}”",
            f"The unified social credit code's characters 3 to 8 must be a region code (6 digits), not '{n[2:8]}'",
            code="licence_region",
        )
    org = n[8:17]
    expected_org = org_check_char(org[:8])
    if org[8] != expected_org:
        raise ValidationError(
            field,
            f"统一社会信用代码中的组织机构代码{org[:8]}-{org[8]}校验位错误（应为{expected_org}），请核对是否输错",
            f"The organisation code {org[:8]}-{org[8]} inside the unified social credit code has a wrong check digit"
            f" (expected {expected_org}): check for a typo",
            code="licence_org_checksum",
        )
    expected = check_char(n[:17])
    if n[17] != expected:
        raise ValidationError(
            field,
            f"统一社会信用代码校验位错误（应为{expected}），请核对是否输错",
            f"The unified social credit code's check character is wrong (expected {expected}): check for a typo",
            code="licence_checksum",
        )
    return n


def is_valid(text: object) -> bool:
    try:
        parse(text)
    except ValidationError:
        return False
    return True


def make(authority: str, category: str, region: str, org8: str) -> str:
    """Build a valid code (for the demo generator and tests): the two check characters are computed."""
    body = f"{authority}{category}{region}{org8}{org_check_char(org8)}"
    return body + check_char(body)
