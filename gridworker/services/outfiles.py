"""Files the app and the commands write (exports, templates, comparisons): refusals in words.

The folder is checked before any work is done (a missing folder is the usual slip on the
command line), and a write that fails all the same is told as a GridWorkerError naming the
file, never as a Python exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..domain.errors import GridWorkerError


def check_folder(path: str | Path) -> Path:
    """`path` as a Path, once the folder it goes into is known to exist."""
    path = Path(path)
    folder = path.parent
    if folder.is_dir():
        return path
    if folder.exists():
        raise GridWorkerError(
            f"“{folder}”不是文件夹：无法在其中写入“{path.name}”，请换一个位置",
            f"'{folder}' is not a folder: '{path.name}' cannot be written there; choose another place",
            code="no_folder",
        )
    raise GridWorkerError(
        f"文件夹“{folder}”不存在：无法写入“{path.name}”，请先创建该文件夹或换一个位置",
        f"The folder '{folder}' does not exist: '{path.name}' cannot be written; create the folder or choose another place",
        code="no_folder",
    )


def cannot_write(path: str | Path) -> GridWorkerError:
    path = Path(path)
    return GridWorkerError(
        f"无法写入“{path}”：文件可能正在 Excel 或 WPS 中打开，或者文件夹不可写",
        f"Cannot write '{path}': it may be open in Excel or WPS, or the folder cannot be written",
        code="unwritable_file",
    )


@contextmanager
def writing(path: str | Path) -> Iterator[Path]:
    """Check the folder, then run the write; an OSError inside becomes `cannot_write`."""
    path = check_folder(path)
    try:
        yield path
    except OSError:
        raise cannot_write(path) from None


def make_folder(folder: str | Path) -> Path:
    """A folder made when missing (with its parents); a failure told in words."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise GridWorkerError(
            f"无法创建文件夹“{folder}”：请换一个位置",
            f"The folder '{folder}' cannot be created: choose another place",
            code="no_folder",
        ) from None
    return folder
