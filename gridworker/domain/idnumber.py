"""Resident ID numbers (居民身份证号码), GB 11643-1999.

18 characters: 6-digit region code, 8-digit birth date, 3-digit sequence (odd
for men, even for women), and a check character computed by ISO 7064 MOD 11-2.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date

from .digits import ascii_digits
from .enums import Gender
from .errors import ValidationError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_char(first17: str) -> str:
    """The 18th character for the first 17 digits."""
    return _CHECK[sum(map(operator.mul, map(int, first17), _WEIGHTS)) % 11]  # (map: no Python frame a digit)


@dataclass(frozen=True)
class IdInfo:
    number: str
    region: str
    birth_date: date
    gender: Gender


def normalise(text: str) -> str:
    """Without spaces, upper case, digits of any script as ASCII (a full-width ３３０１… is the same number)."""
    return ascii_digits(str(text)).strip().replace(" ", "").upper()


def parse(text: str, field: str = "id_number", *, today: date | None = None) -> IdInfo:
    """Check an ID number and derive birth date and gender, or raise ValidationError."""
    n = normalise(text)
    if len(n) != 18:
        raise ValidationError(
            field,
            f"身份证号码应为18位，现为{len(n)}位",
            f"ID number must have 18 characters, it has {len(n)}",
            code="id_length",
        )
    if not (n[:17].isascii() and n[:17].isdigit()) or not (n[17] in "0123456789X"):
        raise ValidationError(
            field,
            "身份证号码前17位须为数字，末位为数字或X",
            "ID number: the first 17 characters must be digits, the last a digit or X",
            code="id_chars",
        )
    try:
        born = date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        raise ValidationError(
            field,
            f"身份证号码中的出生日期{n[6:14]}无效",
            f"ID number holds an invalid birth date {n[6:14]}",
            code="id_birth_date",
        ) from None
    today = today or date.today()
    if born.year < 1890 or born > today:
        raise ValidationError(
            field,
            f"身份证号码中的出生日期{born.isoformat()}不合理",
            f"ID number holds an implausible birth date {born.isoformat()}",
            code="id_birth_date",
        )
    expected = check_char(n[:17])
    if n[17] != expected:
        raise ValidationError(
            field,
            f"身份证号码校验位错误（应为{expected}），请核对是否输错",
            f"ID number check character is wrong (expected {expected}): check for a typo",
            code="id_checksum",
        )
    gender = Gender.male if int(n[16]) % 2 else Gender.female
    return IdInfo(number=n, region=n[:6], birth_date=born, gender=gender)


def make(region: str, born: date, sequence: int, gender: Gender) -> str:
    """Build a valid ID number (for the demo generator and tests)."""
    seq = sequence % 1000
    if (seq % 2 == 1) != (gender == Gender.male):
        seq = (seq + 1) % 1000
    body = f"{region}{born:%Y%m%d}{seq:03d}"
    return body + check_char(body)
