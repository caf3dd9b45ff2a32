"""What can go wrong talking to the server, as errors a user can read (Chinese first, English complete).

`transient` errors (offline, 5xx, 429, a cut connection) mean "try again
later" and never change local data; the others need the user: sign in
again, update the app, or fix a setup problem.
"""

from __future__ import annotations

from ..domain.errors import GridWorkerError


class SyncError(GridWorkerError):
    code = "sync_error"
    transient = False
    # The state shown to the user while this error stands (SyncStatus.state).
    state = "error"


class Offline(SyncError):
    code = "offline"
    transient = True
    state = "offline"

    def __init__(self, detail: str):
        # What went wrong technically (an exception's name, "redirect 302") goes to the details and the
        # log, not into the sentence: the user can act on "check the network and the address", not on that.
        super().__init__(
            "无法连接服务器：请检查网络和服务器地址",
            "Cannot reach the server: check the network and the server address",
            details={"detail": detail},
        )


class NoAnswer(Offline):
    """The server took the request and did not answer within the read timeout (hung or overloaded)."""

    def __init__(self, detail: str):
        SyncError.__init__(
            self,
            "服务器没有及时回应：稍后会自动重试",
            "The server did not answer in time; GridWorker will try again later",
            details={"detail": detail},
        )
        self.detail = detail


class ServerBusy(SyncError):
    """5xx or 429: the server asks us to come back later (`retry_after` seconds when it said so)."""

    code = "server_busy"
    transient = True
    state = "server busy"

    def __init__(self, status: int, retry_after: float | None, message: str = ""):
        # The server's own words (often an English reason phrase such as "Internal Server Error") stay in the
        # details and the log: a sentence in one language does not carry a phrase of the other.
        wait = f"，{retry_after:.0f} 秒后重试" if retry_after else ""
        wait_en = f"; retrying in {retry_after:.0f} s" if retry_after else ""
        if status in (429, 503):
            zh, en = f"服务器繁忙，暂时无法处理{wait}", f"The server is busy and cannot answer now{wait_en}"
        else:  # 500 and the like: a fault of the server, not a queue
            zh = f"服务器出错，这次同步未完成，稍后会重试{wait}"
            en = f"The server had an error: this sync did not finish and will be tried again later{wait_en}"
        super().__init__(zh, en, details={"status": status, "retry_after": retry_after, "message": message})
        self.status = status
        self.retry_after = retry_after


class SignedOut(SyncError):
    code = "signed_out"
    state = "signed out: sign in again"

    def __init__(self, reason: str = ""):
        super().__init__(
            "登录已失效，请重新登录（gridworker login）。本机数据和未同步的修改都已保留。",
            "Signed out: sign in again (gridworker login). Everything on this computer, unsent edits included, is kept."
            + (f" ({reason})" if reason else ""),
        )


class UpdateRequired(SyncError):
    code = "update_required"
    state = "update the app"

    def __init__(self):
        super().__init__(
            "服务器要求更新本软件后才能同步。请更新网格员工作台；未同步的修改都已保留。",
            "The server needs a newer version of this app to sync: update GridWorker. Unsent edits are kept.",
        )


class NotLinked(SyncError):
    code = "not_linked"
    state = "not signed in"

    def __init__(self):
        super().__init__(
            "该账户尚未登录服务器：请先运行 gridworker login --server 地址 --username 用户名",
            "This account is not signed in to a server: run `gridworker login --server URL --username NAME` first",
        )


class ServerRefused(SyncError):
    """A final 4xx answer to a request (not to one mutation): the server says what is wrong."""

    code = "server_refused"

    def __init__(self, status: int, code: str, message: str, details: dict | None = None, *, message_en: str = ""):
        # The HTTP status and the server's code stay in the details (and the log), out of the sentence.
        # `message` is in the language asked for (Chinese); `message_en` the server's English when it sent both.
        en = message_en or message
        super().__init__(
            f"服务器拒绝了请求：{message}" if message else "服务器拒绝了请求",
            f"The server refused the request: {en}" if en else "The server refused the request",
            details={"status": status, "code": code, **(details or {})},
        )
        self.status = status
        self.server_code = code


class ServerStorageFull(SyncError):
    """507 to a photo upload: the server's disk is nearly full, or this user's photo storage quota is reached.

    Not transient in the retry-at-once sense: the upload waits, the round ends
    with this error (so the status says why photos are waiting), and the next
    sync tries again.
    """

    code = "server_storage_full"

    def __init__(self, code: str, message: str = "", details: dict | None = None):
        details = details or {}
        used, limit = details.get("used_bytes"), details.get("limit_bytes")
        if code == "blob_quota":
            zh = "照片暂未上传：服务器上您的照片存储配额已满"
            en = "Photos not uploaded: your photo storage quota on the server is reached"
            if isinstance(used, int) and isinstance(limit, int) and limit > 0:
                zh += f"（已用 {used / 2**20:.1f} MiB，上限 {limit / 2**20:.1f} MiB）"
                en += f" ({used / 2**20:.1f} MiB used of {limit / 2**20:.1f} MiB)"
        else:
            zh = "照片暂未上传：服务器存储空间不足"
            en = "Photos not uploaded: the server is running out of storage"
        super().__init__(
            f"{zh}。照片保留在本机，下次同步会再试；如持续出现请联系管理员。",
            f"{en}. They stay on this computer and the next sync tries again; tell the administrator if this lasts.",
            details={"status": 507, "code": code, "server_message": message},
        )
        self.server_code = code


class ResyncRequired(SyncError):
    """410 on pull: the cursor belongs to another epoch (server restored) or is too old."""

    code = "resync_required"
    transient = True


class BadCredentials(SyncError):
    code = "bad_credentials"

    def __init__(self):
        super().__init__("用户名或密码错误", "Wrong user name or password")


class UnmappedAreas(SyncError):
    """Offline work recorded in local areas the server does not have (or does not give this user)."""

    code = "unmapped_areas"
    state = "areas not on the server"

    def __init__(self, codes: list[str]):
        joined = "、".join(codes)
        super().__init__(
            f"本机网格 {joined} 在服务器上不存在或不属于您，其中的离线记录暂不上传（已保留）。"
            "请管理员在服务器上建立这些网格编码或给您分配后再同步。",
            f"Local areas {', '.join(codes)} are not on the server or not assigned to you; their offline "
            "records are kept and not sent yet. Ask an administrator to create or assign these area codes, then sync again.",
            details={"codes": codes},
        )
