"""`gridworker-server blobs [collect]`: the photo storage's usage, and collecting what no photo record uses."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import TYPE_CHECKING

from ...domain.errors import GridWorkerError
from ..core import blob_usage
from ..core.blobs import BlobStore
from ..core.config import MIB

if TYPE_CHECKING:
    from .cli import Cli


def _size(n: int) -> str:
    return f"{n / MIB:.1f} MiB"


def cmd_blobs(cli: Cli) -> int:
    """Photo storage: all, unclaimed (no live photo record names it), unfinished uploads; per user."""
    settings = cli.settings()
    store = BlobStore(settings.blob_dir)
    settings.blob_dir.mkdir(parents=True, exist_ok=True)
    with cli.database().read() as conn:
        u = blob_usage.usage(conn, store)
    if cli.args.json:
        print(json.dumps(asdict(u), ensure_ascii=False, indent=2))
        return 0
    cli.say(
        f"照片文件：{u.blobs} 个，{_size(u.bytes)}\n"
        f"未被照片记录使用：{u.unclaimed_blobs} 个，{_size(u.unclaimed_bytes)}\n"
        f"未完成的上传：{u.unfinished_uploads} 个，{_size(u.unfinished_bytes)}\n"
        f"磁盘剩余：{_size(u.free_bytes)}",
        f"Blobs: {u.blobs}, {_size(u.bytes)}\n"
        f"Unclaimed (no photo record uses them): {u.unclaimed_blobs}, {_size(u.unclaimed_bytes)}\n"
        f"Unfinished uploads: {u.unfinished_uploads}, {_size(u.unfinished_bytes)}\n"
        f"Free disk space: {_size(u.free_bytes)}",
    )
    if u.per_user:
        cli.say("用户\t已上传\t未使用\t未完成", "user\tuploaded\tunclaimed\tunfinished")
        for e in u.per_user:
            print(f"{e.username}\t{_size(e.uploaded_bytes)}\t{_size(e.unclaimed_bytes)}\t{_size(e.unfinished_bytes)}", flush=True)
    return 0


def cmd_blobs_collect(cli: Cli) -> int:
    settings = cli.settings()
    policy = settings.blob_policy
    if cli.args.grace_hours is not None:
        if not 0 <= cli.args.grace_hours < 1e6:
            raise GridWorkerError("--grace-hours 应为不小于 0 的数字", "--grace-hours must be 0 or more")
        policy = replace(policy, grace_s=cli.args.grace_hours * 3600)
    settings.blob_dir.mkdir(parents=True, exist_ok=True)
    done = blob_usage.collect(cli.database(), BlobStore(settings.blob_dir), policy)
    cli.say(
        f"已删除 {done.blobs} 个未被照片记录使用的文件（{_size(done.bytes)}）和 {done.uploads} 个中断的上传",
        f"Removed {done.blobs} blobs no photo record uses ({_size(done.bytes)}) and {done.uploads} abandoned uploads",
    )
    return 0
