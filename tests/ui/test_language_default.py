"""The app's language when nobody chose one in it: Chinese unless the system names another language (item 14)."""

from __future__ import annotations

import pytest

from gridworker.ui.settings import LANGUAGE, Settings


@pytest.fixture
def system_locale(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE", "GRIDWORKER_LANG"):
        monkeypatch.delenv(var, raising=False)

    def use(**env: str) -> None:
        for key, value in env.items():
            monkeypatch.setenv(key, value)

    return use


@pytest.mark.parametrize("locale", ["C", "POSIX", "C.UTF-8", "zh_CN.UTF-8"])
def test_a_c_or_chinese_locale_gives_chinese(qapp, system_locale, locale):
    system_locale(LANG=locale)
    assert Settings().language() == "zh"


def test_an_explicitly_other_locale_gives_english_until_the_user_chooses(qapp, system_locale):
    system_locale(LANG="de_DE.UTF-8")
    settings = Settings()
    assert settings.language() == "en"
    settings.set(LANGUAGE, "zh")  # chosen in the app: kept, whatever the system says
    assert Settings().language() == "zh"


def test_gridworker_lang_chooses_for_the_run(qapp, system_locale):
    system_locale(LANG="C", GRIDWORKER_LANG="en")
    Settings().set(LANGUAGE, "zh")
    assert Settings().language() == "en"
