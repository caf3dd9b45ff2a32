"""The unified social credit code check (GB 32100-2015), with the organisation code inside (GB 11714)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridworker.domain.errors import ValidationError
from gridworker.domain.places import licence
from gridworker.domain.places.licence import CHARSET

# The standard's own example, worked by hand.
# Organisation code M000100Y-4: values M=22 Y=34 (GB 11714: A=10 … Z=35), weights 3 7 9 10 5 8 4 2:
#   22·3 + 1·5 + 34·2 = 139; 139 mod 11 = 7; 11 − 7 = 4 ✓.
# Check character: values in the 31-character set (M=21, Y=30), weights 3^(i−1) mod 31
#   (1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28):
#   9·1 + 1·3 + 3·9 + 5·27 + 1·26 + 21·20 + 1·8 + 30·30 + 4·28 = 1640; 1640 mod 31 = 28; 31 − 28 = 3 ✓.
STANDARD_EXAMPLE = "91350100M000100Y43"
# A company code, by hand: organisation code 70846113-6: 7·3 + 8·9 + 4·10 + 6·5 + 1·8 + 1·4 + 3·2 = 181,
#   181 mod 11 = 5, 11 − 5 = 6 ✓; then 9·1 + 1·3 + 4·9 + 4·27 + 3·26 + 7·20 + 8·25 + 4·13 + 6·8 + 1·24
#   + 1·10 + 3·30 + 6·28 = 966; 966 mod 31 = 5; 31 − 5 = 26 → T ✓.
COMPANY = "91440300708461136T"
VALID = [STANDARD_EXAMPLE, COMPANY]


@pytest.mark.parametrize("code", VALID)
def test_hand_computed_codes_are_valid(code):
    assert licence.parse(code) == code
    assert licence.is_valid(code)


def test_weights_are_the_powers_of_three():
    assert licence.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(CHARSET) == 31 and not set("IOZSV") & set(CHARSET)


def test_organisation_check_digit_x_and_zero():
    assert licence.org_check_char("00000000") == "0"  # 11 − 0 = 11 → 0
    assert licence.org_check_char("00010001") == "X"  # 1·10 + 1·2 = 12 ≡ 1; 11 − 1 = 10 → X
    assert licence.org_check_char("M000100Y") == "4"


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_check_character_is_refused(code):
    wrong = [c for c in CHARSET if c != code[-1]]
    assert len(wrong) == 30
    for c in wrong:
        with pytest.raises(ValidationError) as info:
            licence.parse(code[:-1] + c)
        assert info.value.code == "licence_checksum"
        assert info.value.field == "licence_number"
        assert f"应为{code[-1]}" in info.value.zh and f"expected {code[-1]}" in info.value.en


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_organisation_check_digit_is_refused(code):
    for c in "0123456789X":
        if c == code[16]:
            continue
        bad = code[:16] + c
        bad += licence.check_char(bad)  # the outer check is right: only the inner one can catch it
        with pytest.raises(ValidationError) as info:
            licence.parse(bad)
        assert info.value.code == "licence_org_checksum"


@pytest.mark.parametrize(
    "text, code",
    [
        ("91350100M000100Y4", "licence_length"),
        ("91350100M000100Y433", "licence_length"),
        ("", "licence_length"),
        ("91350100O000100Y43", "licence_chars"),  # the letter O, not zero
        ("91350100M000100I43", "licence_chars"),
        ("B1350100M000100Y43", "licence_authority"),
        ("90350100M000100Y43", "licence_authority"),
        ("9135010AM000100Y43", "licence_region"),
    ],
)
def test_malformed_codes_say_what_is_wrong(text, code):
    with pytest.raises(ValidationError) as info:
        licence.parse(text, field="licence")
    assert info.value.code == code
    assert info.value.field == "licence"
    assert "统一社会信用代码" in info.value.zh and "unified social credit code" in info.value.en


def test_forbidden_letters_are_named():
    with pytest.raises(ValidationError) as info:
        licence.parse("91350100S000100Y43")
    assert "S" in info.value.zh and "S" in info.value.en


@pytest.mark.parametrize(
    "typed",
    [
        "９１３５０１００Ｍ０００１００Ｙ４３",  # full width
        "91350100m000100y43",  # lower case
        " 9135 0100 M000 100Y 43 ",
        "913501-00M000100Y43",
        "\u0669\u0661350100M000100Y43",  # Arabic-Indic 9 and 1
        "９１３５０１００ｍ０００１００ｙ４３\u3000",
    ],
)
def test_typed_variants_are_normalised(typed):
    assert licence.parse(typed) == STANDARD_EXAMPLE


_BODY = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8)
_REGION = st.text(alphabet="0123456789", min_size=6, max_size=6)


@st.composite
def codes(draw):
    return licence.make(draw(st.sampled_from(sorted(licence.AUTHORITIES))), draw(st.sampled_from("123459")),
                        draw(_REGION), draw(_BODY))  # fmt: skip


@given(codes())
def test_made_codes_are_valid(code):
    assert licence.parse(code) == code


@given(codes(), st.integers(0, 17), st.sampled_from(CHARSET))
def test_any_single_substitution_is_refused(code, pos, c):
    if c == code[pos]:
        return
    assert not licence.is_valid(code[:pos] + c + code[pos + 1:])


@given(codes(), st.integers(0, 15))
def test_any_adjacent_transposition_is_refused(code, pos):
    if code[pos] == code[pos + 1]:
        return
    assert not licence.is_valid(code[:pos] + code[pos + 1] + code[pos] + code[pos + 2:])
