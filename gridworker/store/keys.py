"""The data key: random, wrapped by a key derived from the account password.

The database is encrypted with a random 256-bit key. That key is stored only
wrapped (AES-256-GCM) by a key derived from the password with Argon2id, so a
password change rewraps 32 bytes instead of re-encrypting the database, and a
lost laptop gives nobody the residents' ID numbers.
"""

from __future__ import annotations

import base64
import os
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..domain.errors import WrongPassword


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
    return base64.b64decode(s.encode("ascii"))


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


def unwrap(blob: dict, password: str, aad: bytes) -> bytes:
    params = KdfParams(**blob["params"])
    kek = _kek(password, _unb64(blob["salt"]), params)
    try:
        return AESGCM(kek).decrypt(_unb64(blob["nonce"]), _unb64(blob["wrapped"]), aad)
    except InvalidTag:
        raise WrongPassword() from None


def new_data_key() -> bytes:
    return os.urandom(32)
