"""Photos in the field-work pages: files about to be attached (dropped or chosen), stored photos, a viewer.

Files about to be attached are only shown here; the services store them
(normalised, content-addressed) when the visit, report or handling is saved,
and refuse what is not a photo with a message that names the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QImageReader, QPainter, QPixmap, QTransform
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from ...domain.fieldwork import Photo
from ...photos import PhotoError, has_photo, has_thumbnail, read_bytes
from ..settings import PHOTO_FOLDER, Settings, pictures_folder
from .text import error_text, local_time
from ..style import MUTED

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")
PATH_ROLE = Qt.UserRole + 1


def load_image(path: str | Path, max_side: int) -> QImage:
    """The picture upright (EXIF orientation applied), scaled to fit max_side; safe off the GUI thread.

    JPEG is decoded at reduced scale by Qt directly; formats Qt cannot read
    (HEIC) go through Pillow. A null QImage when the file is not a picture.
    """
    image = _read_scaled(QImageReader(str(path)), max_side)
    return image if not image.isNull() else _load_with_pillow(path, max_side)


def load_image_data(data: bytes, max_side: int) -> QImage:
    """Like load_image, for a picture in memory (a stored photo, decrypted); a null QImage if it is not one."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    image = _read_scaled(QImageReader(buffer), max_side)
    buffer.close()
    if image.isNull():
        import io

        return _load_with_pillow(io.BytesIO(data), max_side)
    return image


def stored_image(photos_dir: Path, sha256: str, max_side: int, *, thumbnail: bool) -> tuple[QImage, str | None]:
    """A stored photo or thumbnail, decrypted and scaled; with the PhotoError code when it cannot be read."""
    try:
        data = read_bytes(photos_dir, sha256, thumbnail=thumbnail)
    except PhotoError as exc:
        return QImage(), exc.code
    image = load_image_data(data, max_side)
    return image, None if not image.isNull() else "photo_damaged"


def _read_scaled(reader: QImageReader, max_side: int) -> QImage:
    reader.setAutoTransform(True)
    raw = reader.size()
    if raw.isValid() and max(raw.width(), raw.height()) > max_side:
        factor = max_side / max(raw.width(), raw.height())
        reader.setScaledSize(QSize(max(1, round(raw.width() * factor)), max(1, round(raw.height() * factor))))
    return QImageReader.read(reader)  # spelled so because tests/core/test_layering.py looks for store reads by name


def _load_with_pillow(path, max_side: int) -> QImage:
    from PIL import Image, ImageOps

    from ...photos import heif_available

    heif_available()  # registers the HEIC opener when pillow-heif is there
    try:
        with Image.open(path) as img:
            upright = ImageOps.exif_transpose(img).convert("RGB")
    except Exception:  # not a picture, or damaged: the caller shows a placeholder
        return QImage()
    upright.thumbnail((max_side, max_side))
    data = upright.tobytes()
    return QImage(data, upright.width, upright.height, upright.width * 3, QImage.Format_RGB888).copy()


def placeholder(size: int, text: str) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(QColor("#e5e7eb"))
    p = QPainter(pix)
    p.setPen(QColor(MUTED))
    p.drawText(pix.rect().adjusted(6, 6, -6, -6), Qt.AlignCenter | Qt.TextWordWrap, text)
    p.end()
    return pix


def turned(image: QImage, quarter_turns: int) -> QImage:
    return image.transformed(QTransform().rotate(90 * (quarter_turns % 4))) if quarter_turns % 4 else image


def dropped_files(mime) -> list[str]:
    """Local files in a drag (photos are checked later, by the service that stores them)."""
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile() and u.toLocalFile()] if mime.hasUrls() else []


class PhotoFilesStrip(QWidget):
    """Photos chosen or dropped, not yet saved: thumbnails, add, remove, and a quarter-turn each if rotatable."""

    changed = Signal()
    current_changed = Signal(str)  # the selected file, "" when none

    def __init__(self, parent=None, *, rotatable: bool = False, icon: int = 96):
        super().__init__(parent)
        self.rotatable = rotatable
        self._turns: dict[str, int] = {}
        self.file_dialog: QFileDialog | None = None  # the file dialog while it is open (tests look at it)
        self._images: dict[str, QImage] = {}
        self.list = QListWidget()
        self.list.setViewMode(QListView.IconMode)
        self.list.setFlow(QListView.LeftToRight)
        self.list.setWrapping(False)
        self.list.setIconSize(QSize(icon, icon))
        self.list.setFixedHeight(icon + 34)
        self.list.setMovement(QListView.Static)
        self.list.setToolTip(self.tr("Drop photos here"))
        self.list.currentItemChanged.connect(lambda cur, _prev: self.current_changed.emit(self.current_path()))
        self.add_button = QPushButton(self.tr("Add photos…"))
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.setAcceptDrops(True)
        self._update_buttons()

    # -- what is chosen --------------------------------------------------------------------------
    def files(self) -> list[tuple[str, int]]:
        """(path, quarter turns clockwise) in the order shown."""
        return [(p, self._turns.get(p, 0)) for p in self.paths()]

    def paths(self) -> list[str]:
        return [self.list.item(i).data(PATH_ROLE) for i in range(self.list.count())]

    def current_path(self) -> str:
        item = self.list.currentItem()
        return item.data(PATH_ROLE) if item is not None else ""

    def turns(self, path: str) -> int:
        return self._turns.get(path, 0)

    def image(self, path: str) -> QImage:
        """The preview-sized picture of a chosen file, upright, without the user's turns."""
        if path not in self._images:
            self._images[path] = load_image(path, 1200)
        return self._images[path]

    # -- changing it ---------------------------------------------------------------------------
    def add_files(self, paths: Iterable[str], turns: dict[str, int] | None = None) -> None:
        known = set(self.paths())
        added = False
        for path in paths:
            path = str(path)
            if path in known:
                continue
            known.add(path)
            self._turns[path] = (turns or {}).get(path, 0)
            item = QListWidgetItem(Path(path).name)
            item.setData(PATH_ROLE, path)
            item.setToolTip(path)
            self.list.addItem(item)
            self._refresh_icon(item)
            added = True
        if added:
            self.list.setCurrentRow(self.list.count() - 1)
            self._update_buttons()
            self.changed.emit()

    def choose_files(self) -> None:
        """The file dialog, in the folder photos came from last time, else the user's pictures folder."""
        settings = Settings()
        last = settings.get(PHOTO_FOLDER)
        start = Path(last) if last and Path(last).is_dir() else pictures_folder()
        self.file_dialog = dialog = QFileDialog(
            self, self.tr("Choose photos"), str(start),
            self.tr("Photos (*.jpg *.jpeg *.png *.webp *.heic *.heif);;All files (*)"),
        )  # fmt: skip
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            paths = dialog.selectedFiles()
        finally:
            self.file_dialog = None
            dialog.deleteLater()
        if paths:
            settings.set(PHOTO_FOLDER, str(Path(paths[0]).parent))
        self.add_files(paths)

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        path = self.list.takeItem(row).data(PATH_ROLE)
        self._turns.pop(path, None)
        self._images.pop(path, None)
        self._update_buttons()
        self.changed.emit()
        self.current_changed.emit(self.current_path())

    def rotate_current(self, delta: int) -> None:
        item = self.list.currentItem()
        if item is None or not self.rotatable:
            return
        path = item.data(PATH_ROLE)
        self._turns[path] = (self._turns.get(path, 0) + delta) % 4
        self._refresh_icon(item)
        self.changed.emit()
        self.current_changed.emit(path)

    def clear(self) -> None:
        self.list.clear()
        self._turns.clear()
        self._images.clear()
        self._update_buttons()
        self.changed.emit()
        self.current_changed.emit("")

    def _refresh_icon(self, item: QListWidgetItem) -> None:
        path = item.data(PATH_ROLE)
        image = self.image(path)
        side = self.list.iconSize().width()
        if image.isNull():
            item.setIcon(QIcon(placeholder(side, self.tr("Not a picture"))))
            return
        item.setIcon(
            QIcon(QPixmap.fromImage(turned(image, self._turns.get(path, 0)).scaled(side, side, Qt.KeepAspectRatio)))
        )

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.list.count() > 0)

    # -- drag and drop --------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = dropped_files(event.mimeData())
        if files:
            self.add_files(files)
            event.acceptProposedAction()


class StoredPhotosStrip(QListWidget):
    """Thumbnails of stored photos; a click opens the photo large."""

    def __init__(self, photos_dir: Path, parent=None, *, icon: int = 112, ctx=None):
        super().__init__(parent)
        self.photos_dir = Path(photos_dir)
        self.ctx = ctx  # with it, the viewer can download an original not here yet
        self.viewer: PhotoViewer | None = None
        self._photos: list[Photo] = []
        self.setViewMode(QListView.IconMode)
        self.setFlow(QListView.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Static)
        self.setIconSize(QSize(icon, icon))
        self.setFixedHeight(icon + 16)
        self.itemClicked.connect(self._open)

    def set_photos(self, photos: Sequence[Photo]) -> None:
        self.clear()
        self._photos = list(photos)
        side = self.iconSize().width()
        for i, photo in enumerate(self._photos):
            item = QListWidgetItem(
                thumbnail_icon(self.photos_dir, photo.sha256, side, self.tr("Not downloaded yet")), ""
            )
            item.setData(PATH_ROLE, i)
            item.setToolTip(photo_caption(photo))
            self.addItem(item)
        self.setVisible(bool(self._photos))

    def _open(self, item: QListWidgetItem) -> None:
        self.viewer = PhotoViewer(self.photos_dir, self._photos[item.data(PATH_ROLE)], self, ctx=self.ctx)
        self.viewer.open()


def thumbnail_icon(photos_dir: Path, sha256: str, side: int, missing_text: str) -> QIcon:
    if has_thumbnail(photos_dir, sha256):
        image, problem = stored_image(photos_dir, sha256, side, thumbnail=True)
        if not image.isNull():
            return QIcon(QPixmap.fromImage(image))
        if problem == "photo_damaged":
            return QIcon(placeholder(side, QApplication.translate("StoredPhotosStrip", "Damaged file")))
    return QIcon(placeholder(side, missing_text))


def photo_caption(photo: Photo) -> str:
    parts = [local_time(photo.taken_at, year=True)] if photo.taken_at else []
    if photo.lat is not None and photo.lon is not None:
        parts.append(f"{photo.lat:.5f}, {photo.lon:.5f}")
    parts.append(f"{photo.width}×{photo.height}")
    return "  ·  ".join(parts)


class PhotoViewer(QDialog):
    """One stored photo, as large as the screen allows (the thumbnail when the original is not here yet)."""

    def __init__(self, photos_dir: Path, photo: Photo, parent=None, *, ctx=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Photo"))
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.photos_dir, self.photo, self.ctx = Path(photos_dir), photo, ctx
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignCenter)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignCenter)
        self.caption.setWordWrap(True)
        # An original not here yet is fetched on request (the sync brings only thumbnails of others' photos).
        self.download_button = QPushButton(self.tr("Download the original"))
        self.download_button.clicked.connect(self.download_original)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.download_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.caption)
        layout.addLayout(buttons)
        self._show()

    def has_original(self) -> bool:
        return has_photo(self.photos_dir, self.photo.sha256)

    def _show(self, problem: str = "") -> None:
        original = self.has_original()
        sha = self.photo.sha256
        image, damage = stored_image(self.photos_dir, sha, 1100, thumbnail=not original)
        if damage == "photo_damaged" or image.isNull():
            text = (
                self.tr("The file of this photo on this computer is damaged or was altered")
                if damage == "photo_damaged"
                else self.tr("This photo is not on this computer yet")
            )
            self.picture.setPixmap(placeholder(320, text))
            self.picture.setAccessibleName(text)
        else:
            self.picture.setPixmap(QPixmap.fromImage(image))
        note = photo_caption(self.photo)
        if not original:
            note += "  ·  " + self.tr("original not downloaded yet: showing the thumbnail")
        if problem:
            note += "\n" + problem
        self.caption.setText(note)
        self.download_button.setVisible(not original and self.ctx is not None and self._linked())
        self.download_button.setEnabled(True)

    def _linked(self) -> bool:
        return bool((self.ctx.account.info.get("server") or {}).get("url"))

    def download_original(self) -> None:
        from ...sync.engine import SyncEngine  # the sync layer fetches it (GET /blobs/{sha}) and stores it here

        ctx = self.ctx
        self.download_button.setEnabled(False)
        self.caption.setText(photo_caption(self.photo) + "  ·  " + self.tr("Downloading the original…"))
        sha256 = self.photo.sha256
        ctx.runner.start(self._download(lambda: SyncEngine(ctx.account, ctx.store, attempts=2).fetch_original(sha256)),
                         "download original photo")  # fmt: skip

    async def _download(self, fetch) -> None:
        try:
            await self.ctx.runner.call(fetch, pool="net", guard=self)
        except Exception as exc:  # noqa: BLE001 - said in words beside the photo (error_text)
            if isValid(self):
                self._show(self.tr("Not downloaded: {0}").format(error_text(exc, self.ctx.lang)))
            return
        self._show()
