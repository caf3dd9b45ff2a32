"""Photos: real JPEG/PNG/WebP/HEIC files made here, imported, and their stored pixels and files checked."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import sys
import zlib
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import Path

import piexif
import pytest
from PIL import Image

from gridworker import photos
from gridworker.photos import PhotoError, storage
from gridworker.photos import crypto as photo_crypto

RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 200, 30), (30, 30, 220), (230, 220, 30)
# Upright test picture: four quadrants of different colours, wider than tall, so
# each of the eight orientations is a different arrangement.
QUADRANTS = {"top_left": RED, "top_right": GREEN, "bottom_left": BLUE, "bottom_right": YELLOW}


def upright_pattern(width: int, height: int) -> Image.Image:
    img = Image.new("RGB", (width, height))
    half_w, half_h = width // 2, height // 2
    img.paste(RED, (0, 0, half_w, half_h))
    img.paste(GREEN, (half_w, 0, width, half_h))
    img.paste(BLUE, (0, half_h, half_w, height))
    img.paste(YELLOW, (half_w, half_h, width, height))
    return img


# Where, in the upright picture, stored pixel (x, y) belongs, written from the
# EXIF 2.3 text for each orientation ("0th row is the visual ..., 0th column is
# the visual ..."), independently of the code under test. W, H: upright size.
STORED_TO_UPRIGHT = {
    1: lambda x, y, W, H: (x, y),  # row0 top, col0 left
    2: lambda x, y, W, H: (W - 1 - x, y),  # row0 top, col0 right
    3: lambda x, y, W, H: (W - 1 - x, H - 1 - y),  # row0 bottom, col0 right
    4: lambda x, y, W, H: (x, H - 1 - y),  # row0 bottom, col0 left
    5: lambda x, y, W, H: (y, x),  # row0 left, col0 top
    6: lambda x, y, W, H: (W - 1 - y, x),  # row0 right, col0 top
    7: lambda x, y, W, H: (W - 1 - y, H - 1 - x),  # row0 right, col0 bottom
    8: lambda x, y, W, H: (y, H - 1 - x),  # row0 left, col0 bottom
}


def as_stored(upright: Image.Image, orientation: int) -> Image.Image:
    """The pixels a camera would write for this upright scene and orientation tag."""
    W, H = upright.size
    size = (W, H) if orientation <= 4 else (H, W)
    stored = Image.new("RGB", size)
    src, dst = upright.load(), stored.load()
    to_upright = STORED_TO_UPRIGHT[orientation]
    for y in range(size[1]):
        for x in range(size[0]):
            dst[x, y] = src[to_upright(x, y, W, H)]
    return stored


def assert_upright(path: Path | bytes) -> None:
    with Image.open(io.BytesIO(path) if isinstance(path, bytes) else path) as img:
        img = img.convert("RGB")
        w, h = img.size
        assert w > h, f"expected landscape, got {w}×{h}"
        spots = {
            "top_left": (w // 4, h // 4),
            "top_right": (3 * w // 4, h // 4),
            "bottom_left": (w // 4, 3 * h // 4),
            "bottom_right": (3 * w // 4, 3 * h // 4),
        }
        for where, xy in spots.items():
            assert_close(img.getpixel(xy), QUADRANTS[where], where)


def assert_close(actual, expected, what="pixel", tolerance=40) -> None:
    assert all(abs(a - e) <= tolerance for a, e in zip(actual, expected)), f"{what}: {actual} != {expected}"


def rational_dms(value: float) -> tuple[tuple[int, int], ...]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = Fraction((value - degrees - minutes / 60) * 3600).limit_denominator(100000)
    return (degrees, 1), (minutes, 1), (seconds.numerator, seconds.denominator)


def exif_bytes(*, orientation=None, gps=None, taken=None, offset=None, make=None) -> bytes:
    zeroth, exif_ifd, gps_ifd = {}, {}, {}
    if orientation is not None:
        zeroth[piexif.ImageIFD.Orientation] = orientation
    if make:
        zeroth[piexif.ImageIFD.Make] = make
        zeroth[piexif.ImageIFD.Model] = b"Grid 1\x00"
    if taken:
        exif_ifd[piexif.ExifIFD.DateTimeOriginal] = taken
    if offset:
        exif_ifd[piexif.ExifIFD.OffsetTimeOriginal] = offset
    if gps:
        lat, lon = gps
        gps_ifd = {
            piexif.GPSIFD.GPSLatitudeRef: b"N" if lat >= 0 else b"S",
            piexif.GPSIFD.GPSLatitude: rational_dms(lat),
            piexif.GPSIFD.GPSLongitudeRef: b"E" if lon >= 0 else b"W",
            piexif.GPSIFD.GPSLongitude: rational_dms(lon),
        }
    return piexif.dump({"0th": zeroth, "Exif": exif_ifd, "GPS": gps_ifd})


def write_jpeg(path: Path, img: Image.Image, exif: bytes | None = None, quality: int = 95) -> Path:
    img.save(path, "JPEG", quality=quality, **({"exif": exif} if exif else {}))
    return path


def stored_files(photos_dir: Path) -> list[Path]:
    return sorted(p for p in photos_dir.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def unlocked(tmp_path):
    """The folders these tests store photos in, unlocked with a key of their own (as opening an account does)."""
    folders = [tmp_path, tmp_path / "photos", tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        photo_crypto.unlock(folder, os.urandom(32))
    yield
    for folder in folders:
        photo_crypto.lock(folder)


@pytest.fixture
def photos_dir(tmp_path):
    return tmp_path / "photos"


def plain(photos_dir: Path, stored) -> tuple[bytes, bytes]:
    """The JPEG of a stored photo and of its thumbnail, read back through the one read function."""
    return photos.read_bytes(photos_dir, stored.sha256), photos.read_bytes(photos_dir, stored.sha256, thumbnail=True)


# --- EXIF: place, time, camera ---------------------------------------------------


@pytest.mark.parametrize(
    "lat, lon",
    [(39.9087243, 116.3974750), (-33.8567844, 151.2152967), (40.6892494, -74.0445004), (-22.951916, -43.2104872)],
    ids=["N-E Beijing", "S-E Sydney", "N-W New York", "S-W Rio"],
)
def test_gps_degrees_and_hemispheres(tmp_path, photos_dir, lat, lon):
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(64, 48), exif_bytes(gps=(lat, lon)))
    info = photos.inspect(src)
    assert info.lat == pytest.approx(lat, abs=1e-6)
    assert info.lon == pytest.approx(lon, abs=1e-6)
    stored = photos.import_photo(src, photos_dir)
    assert (stored.lat, stored.lon) == (info.lat, info.lon)


def test_gps_zero_zero_is_no_fix(tmp_path):
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(64, 48), exif_bytes(gps=(0.0, 0.0)))
    info = photos.inspect(src)
    assert info.lat is None and info.lon is None


def test_gps_out_of_range_or_zero_denominator_is_ignored(tmp_path):
    bad_lat = piexif.dump(
        {"GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((95, 1), (0, 1), (0, 1)),
                 piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((116, 1), (0, 1), (0, 1))}}
    )
    zero_den = piexif.dump(
        {"GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((39, 0), (0, 1), (0, 1)),
                 piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((116, 1), (0, 1), (0, 1))}}
    )
    for i, exif in enumerate((bad_lat, zero_den)):
        info = photos.inspect(write_jpeg(tmp_path / f"p{i}.jpg", upright_pattern(64, 48), exif))
        assert (info.lat, info.lon) == (None, None)


def test_capture_time_with_offset_is_that_offset(tmp_path, photos_dir):
    src = write_jpeg(
        tmp_path / "p.jpg", upright_pattern(64, 48), exif_bytes(taken=b"2024:05:01 09:30:15", offset=b"+02:00")
    )
    info = photos.inspect(src)
    assert info.taken_at.utcoffset() is not None
    assert info.taken_at == datetime(2024, 5, 1, 7, 30, 15, tzinfo=timezone.utc)
    assert photos.import_photo(src, photos_dir).taken_at == info.taken_at


def test_capture_time_without_offset_is_china_time(tmp_path):
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(64, 48), exif_bytes(taken=b"2024:05:01 09:30:15"))
    assert photos.inspect(src).taken_at == datetime(2024, 5, 1, 1, 30, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize("taken", [b"0000:00:00 00:00:00", b"    :  :     :  :  ", b"yesterday"])
def test_placeholder_capture_time_is_none(tmp_path, taken):
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(64, 48), exif_bytes(taken=taken))
    assert photos.inspect(src).taken_at is None


def test_inspect_reads_camera_size_and_orientation(tmp_path):
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(64, 48), exif_bytes(orientation=6, make=b"Acme\x00"))
    info = photos.inspect(src)
    assert (info.mime, info.width, info.height, info.orientation) == ("image/jpeg", 64, 48, 6)
    assert info.upright_size == (48, 64)
    assert (info.make, info.model) == ("Acme", "Grid 1")


# --- Orientation and size -----------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_is_stored_upright(tmp_path, photos_dir, orientation):
    stored_pixels = as_stored(upright_pattern(160, 100), orientation)
    src = write_jpeg(tmp_path / "p.jpg", stored_pixels, exif_bytes(orientation=orientation))
    stored = photos.import_photo(src, photos_dir)
    assert (stored.width, stored.height) == (160, 100)
    assert_upright(photos.read_bytes(photos_dir, stored.sha256))
    assert_upright(photos.read_bytes(photos_dir, stored.sha256, thumbnail=True))


def test_twelve_megapixel_jpeg_is_reduced_and_turned(tmp_path, photos_dir):
    """A 4000×3000 photo taken with the phone on its side (orientation 6), decoded at reduced scale."""
    src = write_jpeg(tmp_path / "big.jpg", as_stored(upright_pattern(400, 300), 6).resize((3000, 4000)),
                     exif_bytes(orientation=6), quality=80)
    stored = photos.import_photo(src, photos_dir)
    assert max(stored.width, stored.height) <= photos.LONG_EDGE
    assert stored.width > stored.height >= 1200  # upright landscape, not a tiny draft
    assert stored.width / stored.height == pytest.approx(4 / 3, rel=0.01)
    assert_upright(photos.read_bytes(photos_dir, stored.sha256))
    with Image.open(io.BytesIO(photos.read_bytes(photos_dir, stored.sha256, thumbnail=True))) as thumb:
        assert max(thumb.size) == photos.THUMB_LONG_EDGE


def test_large_png_is_fitted_to_long_edge(tmp_path, photos_dir):
    src = tmp_path / "scan.png"
    upright_pattern(3000, 2500).save(src)
    stored = photos.import_photo(src, photos_dir)
    assert (stored.width, stored.height) == (2048, 1707)
    with Image.open(io.BytesIO(photos.read_bytes(photos_dir, stored.sha256))) as img:
        assert img.size == (2048, 1707) and img.format == "JPEG" and img.mode == "RGB"
    with Image.open(io.BytesIO(photos.read_bytes(photos_dir, stored.sha256, thumbnail=True))) as thumb:
        assert thumb.size == (320, 267)


def test_small_picture_is_not_enlarged(tmp_path, photos_dir):
    src = tmp_path / "tiny.png"
    upright_pattern(40, 30).save(src)
    stored = photos.import_photo(src, photos_dir)
    assert (stored.width, stored.height) == (40, 30)
    with Image.open(io.BytesIO(photos.read_bytes(photos_dir, stored.sha256, thumbnail=True))) as thumb:
        assert thumb.size == (40, 30)


# --- Other formats and colour modes ------------------------------------------------


def test_png_without_exif(tmp_path, photos_dir):
    src = tmp_path / "plain.png"
    upright_pattern(120, 80).save(src)
    info = photos.inspect(src)
    assert (info.mime, info.taken_at, info.lat, info.lon, info.orientation) == ("image/png", None, None, None, 1)
    stored = photos.import_photo(src, photos_dir)
    assert stored.mime == "image/jpeg" and stored.original_name == "plain.png"
    assert_upright(photos.read_bytes(photos_dir, stored.sha256))


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparency_is_flattened_on_white(tmp_path, photos_dir, mode):
    img = Image.new("RGBA", (100, 60), (0, 0, 0, 0))
    img.paste((200, 0, 0, 255), (0, 0, 50, 60))  # left half opaque red, right half fully transparent
    if mode == "LA":
        img = img.convert("LA")
    elif mode == "P":
        img = img.convert("P")  # RGBA → P keeps transparency in info["transparency"]
    src = tmp_path / "logo.png"
    img.save(src)
    stored = photos.import_photo(src, photos_dir)
    with Image.open(io.BytesIO(photos.read_bytes(photos_dir, stored.sha256))) as out:
        assert out.mode == "RGB"
        assert_close(out.getpixel((85, 30)), (255, 255, 255), "transparent half")
        left = out.getpixel((15, 30))
        assert max(left) < 230 and min(left) < 120, f"opaque half lost: {left}"


def test_sixteen_bit_greyscale_keeps_its_tones(tmp_path, photos_dir):
    img = Image.new("I;16", (64, 64), 32768)  # mid grey in 16 bits: 8-bit clipping would make it white
    src = tmp_path / "grey16.png"
    img.save(src)
    stored = photos.import_photo(src, photos_dir)
    with Image.open(io.BytesIO(photos.read_bytes(photos_dir, stored.sha256))) as out:
        assert_close(out.getpixel((32, 32)), (128, 128, 128), "mid grey", tolerance=6)


def test_cmyk_jpeg_becomes_rgb(tmp_path, photos_dir):
    src = tmp_path / "print.jpg"
    Image.new("CMYK", (80, 60), (0, 255, 255, 0)).save(src, quality=95)  # full magenta+yellow: red
    stored = photos.import_photo(src, photos_dir)
    with Image.open(io.BytesIO(photos.read_bytes(photos_dir, stored.sha256))) as out:
        assert out.mode == "RGB"
        assert_close(out.getpixel((40, 30)), (255, 0, 0), "red", tolerance=50)


def rgb_icc_profile(red, green, blue, description: str) -> bytes:
    """A minimal ICC v2 matrix/gamma-2.2 monitor profile with the given colorants (D50 XYZ)."""

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    text = description.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0" * 70
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233)
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(*red)), (b"gXYZ", xyz(*green)),
            (b"bXYZ", xyz(*blue)), (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data
    header = (struct.pack(">I", offset + len(body)) + b"\0" * 4 + struct.pack(">I", 0x02100000)
              + b"mntrRGB XYZ " + b"\0" * 12 + b"acsp" + b"\0" * 28 + xyz(0.9642, 1.0, 0.8249)[8:] + b"\0" * 48)
    return header + struct.pack(">I", len(tags)) + table + body


def test_embedded_colour_profile_is_converted_to_srgb(tmp_path, photos_dir):
    """Phones embed non-sRGB profiles (Display P3); the stored file has none, so colours must be converted."""
    srgb_red, srgb_green, srgb_blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    # A profile whose "red" channel is sRGB's green: stored (255, 0, 0) is meant to look green.
    swapped = rgb_icc_profile(srgb_green, srgb_red, srgb_blue, "Swapped primaries")
    src = tmp_path / "p3.jpg"
    Image.new("RGB", (64, 48), (255, 0, 0)).save(src, quality=95, icc_profile=swapped)
    stored = photos.import_photo(src, photos_dir)
    with Image.open(io.BytesIO(photos.read_bytes(photos_dir, stored.sha256))) as out:
        assert_close(out.getpixel((32, 24)), (0, 255, 0), "converted colour", tolerance=30)


def test_webp(tmp_path, photos_dir):
    src = tmp_path / "p.webp"
    upright_pattern(200, 120).save(src, "WEBP", quality=90)
    assert photos.inspect(src).mime == "image/webp"
    stored = photos.import_photo(src, photos_dir)
    assert (stored.width, stored.height) == (200, 120)
    assert_upright(photos.read_bytes(photos_dir, stored.sha256))


def test_heic_when_pillow_heif_is_installed(tmp_path, photos_dir):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    src = tmp_path / "IMG_0001.HEIC"
    upright_pattern(128, 96).save(src, "HEIF", quality=90)
    assert photos.inspect(src).mime == "image/heif"
    stored = photos.import_photo(src, photos_dir)
    assert (stored.width, stored.height) == (128, 96) and stored.mime == "image/jpeg"
    assert_upright(photos.read_bytes(photos_dir, stored.sha256))


def test_heic_without_pillow_heif_is_refused_saying_so(tmp_path, photos_dir, monkeypatch):
    # A minimal HEIF header is enough: it must be refused before any decoder is asked.
    src = tmp_path / "IMG_0002.HEIC"
    src.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # import now fails as if not installed
    with pytest.raises(PhotoError) as caught:
        photos.import_photo(src, photos_dir)
    assert caught.value.code == "unsupported_format"
    assert "pillow-heif" in caught.value.en and "pillow-heif" in caught.value.zh
    assert not photos_dir.exists()


# --- Refusals ----------------------------------------------------------------------


def refused(src: Path, photos_dir: Path) -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        photos.import_photo(src, photos_dir)
    assert src.name in caught.value.en and src.name in caught.value.zh
    assert not photos_dir.exists() or stored_files(photos_dir) == []
    return caught.value


def test_text_file_named_jpg_is_not_an_image(tmp_path, photos_dir):
    src = tmp_path / "notes.jpg"
    src.write_text("这不是照片 / not a photo\n", encoding="utf-8")
    assert refused(src, photos_dir).code == "not_an_image"
    with pytest.raises(PhotoError, match="not an image"):
        photos.inspect(src)


def test_other_image_formats_are_unsupported_not_non_images(tmp_path, photos_dir):
    src = tmp_path / "anim.gif"
    Image.new("RGB", (10, 10)).save(src, "GIF")
    error = refused(src, photos_dir)
    assert error.code == "unsupported_format" and "GIF" in error.en


def test_file_over_20_mib_is_refused_before_decoding(tmp_path, photos_dir, monkeypatch):
    src = tmp_path / "huge.jpg"
    with open(src, "wb") as f:
        f.write(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
        f.truncate(25 * 1024 * 1024)  # sparse: costs no disk
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("decoder reached for an oversized file"))
    error = refused(src, photos_dir)
    assert error.code == "too_large" and "20 MiB" in error.en


def test_truncated_jpeg_is_damaged(tmp_path, photos_dir):
    whole = write_jpeg(tmp_path / "whole.jpg", Image.effect_noise((300, 200), 60).convert("RGB")).read_bytes()
    src = tmp_path / "cut.jpg"
    src.write_bytes(whole[: len(whole) // 2])
    assert refused(src, photos_dir).code == "damaged_image"


def png_header_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [100_000, 10_000], ids=["100k² (Pillow error)", "10k² (Pillow only warns)"])
def test_decompression_bomb_is_refused(tmp_path, photos_dir, side):
    src = tmp_path / "bomb.png"
    src.write_bytes(png_header_claiming(side, side))
    assert src.stat().st_size < 200
    assert refused(src, photos_dir).code == "too_many_pixels"
    with pytest.raises(PhotoError, match="pixels"):
        photos.inspect(src)


def test_missing_file(tmp_path, photos_dir):
    assert refused(tmp_path / "gone.jpg", photos_dir).code == "file_missing"


# --- What is stored ------------------------------------------------------------------


def test_exif_is_stripped_from_stored_files(tmp_path, photos_dir):
    exif = exif_bytes(gps=(39.9087243, 116.397475), taken=b"2024:05:01 09:30:15", make=b"Acme")
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(160, 100), exif)
    stored = photos.import_photo(src, photos_dir)
    assert stored.lat is not None  # the place is read, and kept for the record...
    for data in plain(photos_dir, stored):
        assert b"Exif\x00\x00" not in data and b"Acme" not in data  # ...but not in the file
        with Image.open(io.BytesIO(data)) as img:
            assert len(img.getexif()) == 0
            assert not img.getexif().get_ifd(0x8825)
            assert "icc_profile" not in img.info


def test_content_addressed_layout_and_record_fields(tmp_path, photos_dir):
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(160, 100))
    stored = photos.import_photo(src, photos_dir)
    data = photos.read_bytes(photos_dir, stored.sha256)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.path == photos_dir / stored.sha256[:2] / stored.sha256[2:4] / f"{stored.sha256}.jpg"
    assert stored.thumb_path == photos_dir / "thumbs" / stored.sha256[:2] / stored.sha256[2:4] / f"{stored.sha256}.jpg"
    assert stored.bytes == len(data) and stored.mime == "image/jpeg"
    assert photos.has_photo(photos_dir, stored.sha256) and photos.has_thumbnail(photos_dir, stored.sha256)
    assert photos.verify(photos_dir, stored.sha256)


def test_importing_the_same_picture_twice_stores_it_once(tmp_path, photos_dir):
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(160, 100), exif_bytes(orientation=3))
    first = photos.import_photo(src, photos_dir)
    files = stored_files(photos_dir)
    mtimes = [p.stat().st_mtime_ns for p in files]
    copy = tmp_path / "copy of p.jpg"
    copy.write_bytes(src.read_bytes())
    second = photos.import_photo(copy, photos_dir)
    assert second.sha256 == first.sha256 and second.original_name == "copy of p.jpg"
    assert stored_files(photos_dir) == files == sorted([first.path, first.thumb_path])
    assert [p.stat().st_mtime_ns for p in files] == mtimes  # not rewritten


def test_failure_while_storing_leaves_no_file_behind(tmp_path, photos_dir, monkeypatch):
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(160, 100))
    calls = []

    def failing_replace(a, b):
        calls.append(b)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space"):
        photos.import_photo(src, photos_dir)
    assert calls and stored_files(photos_dir) == []  # neither a temp file nor a partial final file
    monkeypatch.undo()
    stored = photos.import_photo(src, photos_dir)  # and a later try succeeds
    assert photos.verify(photos_dir, stored.sha256)


def test_failure_storing_the_photo_keeps_no_temp_but_thumbnail_may_stay(tmp_path, photos_dir, monkeypatch):
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(160, 100))
    real_replace = os.replace

    def fail_for_photo(a, b):
        if "thumbs" not in Path(b).parts:
            raise OSError(5, "I/O error")
        real_replace(a, b)

    monkeypatch.setattr(os, "replace", fail_for_photo)
    with pytest.raises(OSError):
        photos.import_photo(src, photos_dir)
    files = stored_files(photos_dir)
    assert len(files) == 1 and "thumbs" in files[0].parts  # whole thumbnail, no photo, no temp file


# --- Storage helpers for sync ------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["A" * 64, "a" * 63, "a" * 65, "a" * 64 + "\n", "../" + "a" * 61, "g" * 64, "", None, 12],
)
def test_sha256_is_checked_before_any_path_is_made(photos_dir, bad):
    for helper in (photos.path_for, photos.thumb_path_for, photos.has_photo, photos.verify, photos.read_bytes):
        with pytest.raises(PhotoError) as caught:
            helper(photos_dir, bad)
        assert caught.value.code == "invalid_sha256"
    with pytest.raises(PhotoError):
        photos.save_bytes(b"x", photos_dir, bad)


def test_verify_detects_a_changed_or_missing_file(tmp_path, photos_dir):
    stored = photos.import_photo(write_jpeg(tmp_path / "p.jpg", upright_pattern(160, 100)), photos_dir)
    data = bytearray(stored.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    stored.path.write_bytes(bytes(data))
    assert not photos.verify(photos_dir, stored.sha256)
    with pytest.raises(PhotoError) as caught:
        photos.read_bytes(photos_dir, stored.sha256)
    assert caught.value.code == "photo_damaged"
    stored.path.unlink()
    assert not photos.verify(photos_dir, stored.sha256) and not photos.has_photo(photos_dir, stored.sha256)
    with pytest.raises(PhotoError) as caught:
        photos.read_bytes(photos_dir, stored.sha256)
    assert caught.value.code == "photo_missing"


def test_chunks_resume_from_an_offset(tmp_path, photos_dir):
    noise = Image.effect_noise((600, 400), 80).convert("RGB")
    stored = photos.import_photo(write_jpeg(tmp_path / "p.jpg", noise), photos_dir)
    data = photos.read_bytes(photos_dir, stored.sha256)
    assert photos.photo_size(photos_dir, stored.sha256) == len(data) > 30_000
    pieces = list(photos.iter_chunks(photos_dir, stored.sha256, start=1000, chunk_size=7000))
    assert [off for off, _ in pieces] == list(range(1000, len(data), 7000))
    assert b"".join(chunk for _, chunk in pieces) == data[1000:]
    assert b"".join(c for _, c in photos.iter_chunks(photos_dir, stored.sha256, start=70_000, chunk_size=333)) == data[70_000:]
    assert list(photos.iter_chunks(photos_dir, stored.sha256, start=len(data))) == []


def test_save_bytes_from_server_checks_the_hash(tmp_path):
    source_dir, other_dir = tmp_path / "a", tmp_path / "b"
    stored = photos.import_photo(write_jpeg(tmp_path / "p.jpg", upright_pattern(160, 100)), source_dir)
    data = photos.read_bytes(source_dir, stored.sha256)
    with pytest.raises(PhotoError) as caught:
        photos.save_bytes(data[:-10], other_dir, stored.sha256)  # a cut-off download
    assert caught.value.code == "hash_mismatch"
    assert not other_dir.exists() or stored_files(other_dir) == []
    path = photos.save_bytes(data, other_dir, stored.sha256)
    assert path == photos.path_for(other_dir, stored.sha256) and photos.verify(other_dir, stored.sha256)
    assert photos.save_bytes(data, other_dir, stored.sha256) == path  # again: no error, one file
    assert stored_files(other_dir) == [path]


def test_save_thumbnail_from_server_checks_it_is_a_whole_small_jpeg(tmp_path):
    sha = "ab" * 32
    thumb = io.BytesIO()
    upright_pattern(320, 200).save(thumb, "JPEG")
    good = thumb.getvalue()
    big = io.BytesIO()
    upright_pattern(800, 500).save(big, "JPEG")
    for bad in (b"<html>not found</html>", good[: len(good) // 2], big.getvalue()):
        with pytest.raises(PhotoError) as caught:
            photos.save_bytes(bad, tmp_path, sha, thumbnail=True)
        assert caught.value.code == "bad_thumbnail"
    assert stored_files(tmp_path) == []
    path = photos.save_bytes(good, tmp_path, sha, thumbnail=True)
    assert path == photos.thumb_path_for(tmp_path, sha) and path.read_bytes() != good
    assert photos.read_bytes(tmp_path, sha, thumbnail=True) == good
    assert not photos.has_photo(tmp_path, sha)


def test_sweep_removes_only_old_temp_files(tmp_path, photos_dir):
    stored = photos.import_photo(write_jpeg(tmp_path / "p.jpg", upright_pattern(160, 100)), photos_dir)
    old = stored.path.with_name(f".{stored.path.name}.dead{storage.TEMP_SUFFIX}")
    fresh = stored.path.with_name(f".{stored.path.name}.live{storage.TEMP_SUFFIX}")
    old.write_bytes(b"half a pho")
    fresh.write_bytes(b"being writ")
    os.utime(old, (1, 1))
    assert photos.sweep_temp_files(photos_dir) == 1
    assert not old.exists() and fresh.exists() and stored.path.exists()


def test_multi_picture_jpeg_stores_its_first_picture(tmp_path, photos_dir):
    src = tmp_path / "burst.jpg"  # MPO: what some phones write for depth or burst shots
    upright_pattern(400, 300).save(src, "MPO", save_all=True, append_images=[Image.new("RGB", (400, 300), "white")])
    stored = photos.import_photo(src, photos_dir)
    assert (stored.width, stored.height) == (400, 300)
    assert_upright(photos.read_bytes(photos_dir, stored.sha256))


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_malformed_exif_block_still_imports(tmp_path, photos_dir):
    good = exif_bytes(gps=(39.9, 116.4), taken=b"2024:05:01 09:30:15")
    broken = good[:12] + b"\xff" * 40 + good[52:]  # garbage over the IFD entries and offsets
    src = write_jpeg(tmp_path / "p.jpg", upright_pattern(160, 100), broken)
    stored = photos.import_photo(src, photos_dir)
    assert photos.verify(photos_dir, stored.sha256)
    assert_upright(photos.read_bytes(photos_dir, stored.sha256))


def test_exif_reader_failure_only_loses_the_tags(tmp_path, photos_dir, monkeypatch):
    """Older and future Pillow versions have raised on odd EXIF: that must cost the tags, not the photo."""
    stored_pixels = as_stored(upright_pattern(160, 100), 3)
    src = write_jpeg(tmp_path / "p.jpg", stored_pixels, exif_bytes(gps=(39.9, 116.4), orientation=3))

    def broken_get_ifd(self, tag):
        raise struct.error("unpack requires a buffer of 12 bytes")

    monkeypatch.setattr(Image.Exif, "get_ifd", broken_get_ifd)
    stored = photos.import_photo(src, photos_dir)
    assert (stored.lat, stored.lon, stored.taken_at) == (None, None, None)
    assert_upright(photos.read_bytes(photos_dir, stored.sha256))  # orientation lives in IFD0, still read
