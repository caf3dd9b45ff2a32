"""Qt's own dialogs speak the UI's language: its translations loaded, dates in Chinese, photos chosen from the pictures folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QLocale, QTimer
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

from gridworker.ui.settings import PHOTO_FOLDER, Settings, pictures_folder, prefer_chinese_dates
from gridworker.ui.fieldwork.photos import PhotoFilesStrip

from .conftest_fieldwork import jpeg_with_gps

pytestmark = pytest.mark.timeout(120)
ROOT = Path(__file__).resolve().parents[2]


def test_qt_standard_buttons_and_dates_are_chinese(chinese, qtbot):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert sorted(b.text() for b in box.buttons()) == sorted(["确定", "取消"])
    assert QLocale().toString(QDate(2026, 12, 7), QLocale.FormatType.ShortFormat) == "2026/12/7"


def choose_in_dialog(qtbot, strip, path: Path | None, seen: dict) -> None:
    """Answer the photo dialog about to open: note what it shows, pick `path` (or cancel)."""

    def answer():
        dialog = strip.file_dialog
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, answer)
            return
        seen["folder"] = Path(dialog.directory().absolutePath())
        seen["labels"] = [label.text() for label in dialog.findChildren(QLabel)]
        if path is None:
            dialog.reject()
        else:
            dialog.selectFile(str(path))
            dialog.accept()

    QTimer.singleShot(0, answer)


def test_the_photo_dialog_opens_in_pictures_and_then_where_photos_came_from(chinese, qtbot, tmp_path):
    strip = PhotoFilesStrip()
    qtbot.addWidget(strip)
    strip.show()
    photo = jpeg_with_gps(tmp_path / "井盖.jpg", 30.27, 120.15)
    seen: dict = {}
    choose_in_dialog(qtbot, strip, photo, seen)
    strip.choose_files()  # the file dialog of Qt itself here (no native one offscreen): in Chinese
    assert seen["folder"] == pictures_folder()
    labels = " ".join(seen["labels"])  # Qt's zh_CN catalogue lacks these two (Qt 6 added the & to them)
    assert "查找范围" in labels and "文件类型" in labels and "Look in" not in labels and "Files of" not in labels
    assert strip.paths() == [str(photo)]
    assert Settings().get(PHOTO_FOLDER) == str(tmp_path)

    again: dict = {}
    choose_in_dialog(qtbot, strip, None, again)
    strip.choose_files()
    assert again["folder"] == tmp_path


def test_a_chinese_ui_on_a_c_locale_formats_qt_dates_in_chinese():
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env.update(LANG="C.UTF-8", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    probe = (
        "from gridworker.ui.settings import prefer_chinese_dates; prefer_chinese_dates('zh');"
        "from PySide6.QtWidgets import QApplication; from PySide6.QtCore import QLocale, QDate; app = QApplication([]);"
        "print(QLocale.system().toString(QDate(2026, 12, 7), QLocale.FormatType.ShortFormat))"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "2026/12/7", out.stderr
    # a locale the user chose is left alone, and English changes nothing
    assert not prefer_chinese_dates("zh", {"LANG": "en_GB.UTF-8"})
    assert not prefer_chinese_dates("en", {"LANG": "C"})
    assert not prefer_chinese_dates("zh", {"LC_ALL": "de_DE.UTF-8"})
