"""The data key: random, wrapped by a key derived from the account password.

The database is encrypted with a random 256-bit key. That key is stored only
wrapped (AES-256-GCM) by a key derived from the password with Argon2id, so a
password change rewraps 32 bytes instead of re-encrypting the database, and a
lost laptop gives nobody the residents' ID numbers.

The Argon2 parameters travel with the wrapped key (account.json, and the copy
of it inside a backup), so a crafted file could ask for terabytes of memory or
years of work. `unwrap` refuses anything outside `LIMITS` with a clear message
before Argon2 runs (BadKeyFile), and never lets a raw HashingError out.
"""

from __future__ import annotations

import base64
import os
from dataclasses import asdict, dataclass

import binascii

from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..domain.errors import GridWorkerError, WrongPassword

# What a key file may ask of Argon2: (lowest, highest). The default is 3 passes
# over 64 MiB with 2 lanes; the ceiling leaves room for a stronger setting
# later while keeping one unwrap within a few seconds and 1 GiB of memory.
LIMITS = {
    "time_cost": (1, 16),
    "memory_cost": (8 * 1024, 1024 * 1024),  # KiB: 8 MiB .. 1 GiB
    "parallelism": (1, 16),
}
SALT_BYTES = (16, 64)
NONCE_BYTES = 12
WRAPPED_BYTES = 32 + 16  # the data key and the GCM tag


class BadKeyFile(GridWorkerError):
    """A wrapped key whose form or KDF parameters are not ones GridWorker writes."""

    code = "bad_key_file"

    def __init__(self, zh_why: str, en_why: str):
        super().__init__(
            f"账户密钥无法使用：{zh_why}。文件可能已损坏或被篡改，未做任何改动。",
            f"The account key cannot be used: {en_why}. The file may be damaged or tampered with; nothing was changed.",
        )
        self.zh_why, self.en_why = zh_why, en_why


@dataclass(frozen=True)
class KdfParams:
    time_cost: int = 3
    memory_cost: int = 64 * 1024  # KiB
    parallelism: int = 2

    @classmethod
    def from_env(cls) -> "KdfParams":
        # A cheaper setting for test suites that create hundreds of accounts;
        # it is stored with each wrapped key, so opening never guesses.
        if os.environ.get("GRIDWORKER_KDF") == "fast":
            return cls(time_cost=1, memory_cost=8 * 1024, parallelism=1)
        return cls()


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"), validate=True)


def _kek(password: str, salt: bytes, p: KdfParams) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"),
        salt,
        time_cost=p.time_cost,
        memory_cost=p.memory_cost,
        parallelism=p.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def wrap(data_key: bytes, password: str, aad: bytes, params: KdfParams | None = None) -> dict:
    params = params or KdfParams.from_env()
    salt = os.urandom(16)
    nonce = os.urandom(12)
    ct = AESGCM(_kek(password, salt, params)).encrypt(nonce, data_key, aad)
    return {"kdf": "argon2id", "params": asdict(params), "salt": _b64(salt), "nonce": _b64(nonce), "wrapped": _b64(ct)}


def checked_params(blob: object) -> tuple[KdfParams, bytes, bytes, bytes]:
    """(params, salt, nonce, wrapped) of a wrapped key, each within bounds; BadKeyFile otherwise."""
    if not isinstance(blob, dict) or blob.get("kdf") != "argon2id":
        raise BadKeyFile("密钥派生方法不是 argon2id", "its key derivation is not argon2id")
    params = blob.get("params")
    if not isinstance(params, dict) or set(params) != set(LIMITS):
        raise BadKeyFile("密钥派生参数不完整", "its key derivation parameters are incomplete")
    for name, (low, high) in LIMITS.items():
        value = params[name]
        if type(value) is not int or not low <= value <= high:
            shown = value if type(value) is int else "?"
            if name == "memory_cost":
                raise BadKeyFile(
                    f"要求的内存（{shown} KiB）超出允许范围 {low}–{high} KiB",
                    f"it asks for {shown} KiB of memory, outside the allowed {low}-{high} KiB",
                )
            label_zh = {"time_cost": "迭代次数", "parallelism": "并行度"}[name]
            label_en = {"time_cost": "number of passes", "parallelism": "parallelism"}[name]
            raise BadKeyFile(
                f"{label_zh}（{shown}）超出允许范围 {low}–{high}",
                f"its {label_en} ({shown}) is outside the allowed {low}-{high}",
            )
    if params["memory_cost"] < 8 * params["parallelism"]:
        raise BadKeyFile("内存小于并行度所需", "its memory is too small for its parallelism")
    try:
        salt, nonce, wrapped = (_unb64(blob[k]) for k in ("salt", "nonce", "wrapped"))
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error):
        raise BadKeyFile("盐值或密文无法读取", "its salt or wrapped key cannot be read") from None
    if not SALT_BYTES[0] <= len(salt) <= SALT_BYTES[1] or len(nonce) != NONCE_BYTES or len(wrapped) != WRAPPED_BYTES:
        raise BadKeyFile("盐值或密文长度不对", "its salt or wrapped key has the wrong length")
    return KdfParams(**params), salt, nonce, wrapped


def unwrap(blob: dict, password: str, aad: bytes) -> bytes:
    params, salt, nonce, wrapped = checked_params(blob)
    try:
        kek = _kek(password, salt, params)
    except HashingError:  # within the bounds this means the machine is out of memory
        raise GridWorkerError(
            f"内存不足，无法解开账户密钥（需要 {params.memory_cost // 1024} MiB）",
            f"Not enough memory to unlock the account key (it needs {params.memory_cost // 1024} MiB)",
            code="kdf_failed",
        ) from None
    try:
        return AESGCM(kek).decrypt(nonce, wrapped, aad)
    except InvalidTag:
        raise WrongPassword() from None


def new_data_key() -> bytes:
    return os.urandom(32)
