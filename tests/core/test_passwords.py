"""The password policy (domain/passwords.py) and the local accounts that use it: account create, passwd."""

from __future__ import annotations

import pytest

from gridworker.cli import main
from gridworker.domain.errors import ValidationError
from gridworker.domain.passwords import check_password, common_passwords

from ..conftest import PASSWORD

WEAK = [
    ("12345678", "most common"),
    ("        ", "only spaces"),
    (" \t \u3000  \t ", "only spaces"),
    ("", "only spaces"),
    ("aaaaaaaa", "one character repeated"),
    ("########", "one character repeated"),
    ("我我我我我我我我", "one character repeated"),
    ("Password1", "most common"),
    ("  qwerty123 ", "most common"),
    ("woaini1314", "most common"),
    ("abc", "at least 8"),
]


@pytest.mark.parametrize("password, why", WEAK)
def test_weak_passwords_are_refused_with_a_message_in_both_languages(password, why):
    with pytest.raises(ValidationError) as refused:
        check_password(password, min_length=8)
    assert refused.value.code == "weak_password" and refused.value.field == "password"
    assert why in refused.value.message("en")
    assert refused.value.message("zh") != refused.value.message("en") and "密码" in refused.value.message("zh")


@pytest.mark.parametrize("password", ["correct horse 1", "网格员张伟2024", "aaaaaaab", "Zq7!kd93"])
def test_ordinary_passwords_pass(password):
    assert check_password(password, min_length=8) == password


def test_the_shipped_list_holds_a_few_hundred_entries_in_lower_case():
    common = common_passwords()
    assert 300 <= len(common) <= 2000
    assert {"123456", "12345678", "password", "qwerty", "5201314", "woaini1314"} <= common
    assert all(p == p.strip().lower() and not p.startswith("#") for p in common)


@pytest.mark.parametrize("password", ["12345678", "        ", "111111", "qwerty"])
def test_a_local_account_with_a_weak_password_is_not_created(accounts, password):
    with pytest.raises(ValidationError) as refused:
        accounts.create("zhang", password)
    assert refused.value.code == "weak_password"
    assert accounts.names() == [] and not (accounts.accounts_dir / "zhang").exists()


def test_a_weak_new_password_is_refused_and_the_old_one_still_opens(accounts, store):
    with pytest.raises(ValidationError):
        accounts.change_password("worker", PASSWORD, "12345678")
    with pytest.raises(ValidationError):
        accounts.change_password("worker", PASSWORD, " " * 8)
    _account, again = accounts.open("worker", PASSWORD)
    again.close()


def test_the_cli_says_why_in_chinese_and_english(accounts, monkeypatch, capsys):
    monkeypatch.setenv("GRIDWORKER_PASSWORD", "12345678")
    assert main(["--lang", "en", "account", "create", "zhang"]) == 1
    assert "most common" in capsys.readouterr().err
    monkeypatch.setenv("GRIDWORKER_PASSWORD", "        ")
    assert main(["--lang", "zh", "account", "create", "zhang"]) == 1
    assert "只有空格" in capsys.readouterr().err
    monkeypatch.setenv("GRIDWORKER_PASSWORD", PASSWORD)
    assert main(["--lang", "en", "account", "create", "zhang"]) == 0
    monkeypatch.setenv("GRIDWORKER_NEW_PASSWORD", "aaaaaaaa")
    assert main(["--lang", "en", "--account", "zhang", "account", "passwd"]) == 1
    assert "one character repeated" in capsys.readouterr().err
    assert accounts.names() == ["zhang"]
