"""Why a photo was refused, in words a grid worker can act on (Chinese first, English complete)."""

from __future__ import annotations

from ..domain.errors import GridWorkerError


class PhotoError(GridWorkerError):
    """A photo that cannot be taken in, or a stored photo that cannot be found or trusted."""

    code = "photo_error"


def not_an_image(name: str) -> PhotoError:
    return PhotoError(
        f"“{name}”不是图片文件，无法作为照片添加。",
        f"“{name}” is not an image file and cannot be added as a photo.",
        code="not_an_image",
        details={"file": name},
    )


def unsupported_format(name: str, kind: str) -> PhotoError:
    return PhotoError(
        f"“{name}”是 {kind} 格式，不支持。请使用 JPEG、PNG、WebP 或 HEIC 照片。",
        f"“{name}” is a {kind} file, which is not supported. Use a JPEG, PNG, WebP or HEIC photo.",
        code="unsupported_format",
        details={"file": name, "format": kind},
    )


def heif_not_installed(name: str) -> PhotoError:
    return PhotoError(
        f"“{name}”是 HEIC/HEIF 照片，但本机未安装读取它所需的 pillow-heif 组件。"
        "请在手机上改为“兼容性最佳”（JPEG）拍摄，或安装 pillow-heif。",
        f"“{name}” is a HEIC/HEIF photo, but the pillow-heif component needed to read it is not "
        "installed. Set the phone camera to “Most Compatible” (JPEG) or install pillow-heif.",
        code="unsupported_format",
        details={"file": name, "format": "HEIF"},
    )


def too_large(name: str, size: int, limit: int) -> PhotoError:
    return PhotoError(
        f"“{name}”有 {size / 2**20:.1f} MiB，超过 {limit // 2**20} MiB 的上限。",
        f"“{name}” is {size / 2**20:.1f} MiB, over the {limit // 2**20} MiB limit.",
        code="too_large",
        details={"file": name, "bytes": size, "limit": limit},
    )


def too_many_pixels(name: str, limit: int, size: tuple[int, int] | None = None) -> PhotoError:
    """`size` is None when Pillow refused the header before telling us the dimensions."""
    dims_zh = f"的尺寸为 {size[0]}×{size[1]} 像素，" if size else "的像素数"
    dims_en = f" is {size[0]}×{size[1]} pixels," if size else " has too many pixels,"
    return PhotoError(
        f"“{name}”{dims_zh}超过 {limit / 1e6:.0f} 百万像素的上限（可能是损坏或恶意文件）。",
        f"“{name}”{dims_en} over the {limit / 1e6:.0f}-megapixel limit (the file may be damaged or malicious).",
        code="too_many_pixels",
        details={"file": name, "limit": limit, **({"width": size[0], "height": size[1]} if size else {})},
    )


def damaged_image(name: str, reason: str) -> PhotoError:
    return PhotoError(
        f"“{name}”已损坏或不完整，无法读取（{reason}）。",
        f"“{name}” is damaged or incomplete and cannot be read ({reason}).",
        code="damaged_image",
        details={"file": name, "reason": reason},
    )


def file_missing(name: str) -> PhotoError:
    return PhotoError(
        f"找不到文件“{name}”。",
        f"File “{name}” was not found.",
        code="file_missing",
        details={"file": name},
    )


def invalid_sha256(value: object) -> PhotoError:
    return PhotoError(
        "照片编号无效（应为 64 位小写十六进制 SHA-256）。",
        f"Invalid photo id {str(value)[:80]!r}: expected 64 lowercase hex characters (SHA-256).",
        code="invalid_sha256",
    )


def photo_missing(sha256: str) -> PhotoError:
    return PhotoError(
        f"本机没有这张照片（{sha256[:12]}…）。",
        f"This photo ({sha256[:12]}…) is not stored on this computer.",
        code="photo_missing",
        details={"sha256": sha256},
    )


def hash_mismatch(expected: str, actual: str) -> PhotoError:
    return PhotoError(
        "收到的照片内容与编号不符，已丢弃。",
        f"The photo received does not match its id (expected {expected[:12]}…, got {actual[:12]}…); discarded.",
        code="hash_mismatch",
        details={"expected": expected, "actual": actual},
    )


def bad_thumbnail(sha256: str, reason: str) -> PhotoError:
    return PhotoError(
        f"收到的缩略图无效（{reason}），已丢弃。",
        f"The thumbnail received for {sha256[:12]}… is not valid ({reason}); discarded.",
        code="bad_thumbnail",
        details={"sha256": sha256, "reason": reason},
    )


def photo_damaged(label: str) -> PhotoError:
    """A stored (encrypted) photo file that fails its check: cut short, changed on disk, or not ours."""
    return PhotoError(
        "本机保存的这张照片文件已损坏或被改动过，无法读取。",
        "The stored file of this photo is damaged or was altered, and cannot be read.",
        code="photo_damaged",
        details={"file": label},
    )


def photos_locked() -> PhotoError:
    return PhotoError(
        "账户尚未解锁，无法读取或保存照片。",
        "The account is not unlocked, so its photos cannot be read or stored.",
        code="photos_locked",
    )
