"""The fast pinyin of names gives exactly what pypinyin gives for the whole name."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

from gridworker.demo.data import generate
from gridworker.domain import names
from gridworker.domain.names import pinyin_of


def _reference(name: str) -> tuple[str, str]:
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda s: list(s.lower()))
    return "".join(syllables).lower(), "".join(p[0] for p in syllables if p).lower()


def test_demo_names_match_pypinyin_on_the_whole_name():
    people = generate(persons=3000, seed=7).persons
    mismatches = [(p["name"], pinyin_of(p["name"]), _reference(p["name"])) for p in people if pinyin_of(p["name"]) != _reference(p["name"])]
    assert mismatches == []
    # Both roads were taken: most names character by character, some through pypinyin whole.
    assert len(names._BY_CHARACTER) > 50


def test_phrases_polyphones_and_mixed_scripts_match_pypinyin():
    tricky = [
        "张长江", "单田芳", "曾国藩", "欧阳娜娜", "长孙无忌", "乐嘉", "朴树", "重庆", "行长", "银行",
        "解放", "阿依古丽·买买提", "李Anna", "Tom Lee", "王 伟", "〇", "张3", "ÉMILE", "ΑΣ", "𠀀张",
        "张", "覃", "尉迟恭", "查理", "薄熙", "柏杨", "仇英", "缪斯", "区伟", "黑",
    ]  # fmt: skip
    for name in tricky:
        assert pinyin_of(name) == _reference(name), name


def test_phrase_in_a_name_is_read_as_a_phrase():
    # 长江 is a phrase: pypinyin reads 长 as "chang" there; the per-character table must not be used.
    assert pinyin_of("张长江") == _reference("张长江")
    assert pinyin_of("") == ("", "")
