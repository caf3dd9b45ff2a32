"""No Python exception text reaches a user: an unexpected error is said in words and kept in the log."""

from __future__ import annotations

import logging

from gridworker.domain.errors import GridWorkerError
from gridworker.ui.fieldwork.text import error_text


def test_an_unexpected_exception_is_said_in_words_and_logged(caplog):
    exc = KeyError("household_id")
    with caplog.at_level(logging.ERROR):
        zh, en = error_text(exc, "zh"), error_text(exc, "en")
    for text in (zh, en):
        assert "KeyError" not in text and "household_id" not in text
    assert "日志" in zh and "log" in en
    assert "KeyError" in caplog.text  # the details are kept for support


def test_an_error_of_ours_keeps_its_own_words():
    exc = GridWorkerError("照片已损坏", "The photo is damaged")
    assert error_text(exc, "zh") == "照片已损坏" and error_text(exc, "en") == "The photo is damaged"
