"""Enumerations shared by the client, the server and the sync protocol.

Values are the wire values of PROTOCOL.md; labels are (Chinese, English).
"""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A string enum whose members carry a Chinese and an English label."""

    def label(self, lang: str = "zh") -> str:
        zh, en = _LABELS[type(self)][self]
        return zh if lang.startswith("zh") else en

    @classmethod
    def parse(cls, text: str | None):
        """Accept the wire value, or either label (as typed in a spreadsheet)."""
        if text is None:
            return None
        t = str(text).strip()
        if not t:
            return None
        low = t.lower()
        for member in cls:
            zh, en = _LABELS[cls][member]
            if low in (member.value, en.lower()) or t == zh:
                return member
        raise ValueError(t)


class Gender(Labelled):
    male = "male"
    female = "female"


class AreaLevel(Labelled):
    district = "district"
    street = "street"
    community = "community"
    grid = "grid"
    microgrid = "microgrid"


class Housing(Labelled):
    owner = "owner"
    rented = "rented"
    vacant = "vacant"
    other = "other"


class Relation(Labelled):
    head = "head"
    spouse = "spouse"
    child = "child"
    parent = "parent"
    grandchild = "grandchild"
    grandparent = "grandparent"
    sibling = "sibling"
    other_relative = "other_relative"
    tenant = "tenant"
    other = "other"


class Residence(Labelled):
    registered = "registered"  # 户籍
    permanent = "permanent"  # 常住 (non-registered, living here)
    floating = "floating"  # 流动


class PersonStatus(Labelled):
    active = "active"
    moved_out = "moved_out"
    deceased = "deceased"


class Tag(Labelled):
    """Special groups and other markers a grid worker keeps on a person."""

    elderly_alone = "elderly_alone"
    elderly = "elderly"
    disabled = "disabled"
    hardship = "hardship"
    left_behind_child = "left_behind_child"
    key_person = "key_person"
    party_member = "party_member"
    veteran = "veteran"
    volunteer = "volunteer"


SPECIAL_GROUP_TAGS = frozenset(
    {Tag.elderly_alone, Tag.disabled, Tag.hardship, Tag.left_behind_child, Tag.key_person}
)


class Role(Labelled):
    admin = "admin"
    dispatcher = "dispatcher"
    worker = "worker"
    handler = "handler"
    member = "member"  # 在职党员 / volunteer: the web pages only (issue 16), never /sync or the register
    resident = "resident"  # the web pages only


class Outcome(Labelled):
    met = "met"
    not_home = "not_home"
    refused = "refused"
    moved_away = "moved_away"
    other = "other"


class Urgency(Labelled):
    low = "low"
    normal = "normal"
    high = "high"
    urgent = "urgent"


class Source(Labelled):
    snap = "snap"
    request = "request"
    visit = "visit"


class Action(Labelled):
    report = "report"
    accept = "accept"
    reject = "reject"
    dispatch = "dispatch"
    start = "start"
    return_ = "return"
    extend = "extend"
    park = "park"
    handle = "handle"
    verify_pass = "verify_pass"
    verify_fail = "verify_fail"
    escalate = "escalate"
    close = "close"
    reopen = "reopen"
    rate = "rate"
    comment = "comment"


class Status(Labelled):
    reported = "reported"
    accepted = "accepted"
    rejected = "rejected"
    dispatched = "dispatched"
    in_progress = "in_progress"
    parked = "parked"
    handled = "handled"
    closed = "closed"


class Level(Labelled):
    community = "community"
    street = "street"


class Op(StrEnum):
    upsert = "upsert"
    delete = "delete"
    evict = "evict"


_LABELS: dict[type, dict] = {
    Gender: {Gender.male: ("男", "Male"), Gender.female: ("女", "Female")},
    AreaLevel: {
        AreaLevel.district: ("区", "District"),
        AreaLevel.street: ("街道", "Street"),
        AreaLevel.community: ("社区", "Community"),
        AreaLevel.grid: ("网格", "Grid"),
        AreaLevel.microgrid: ("微网格", "Micro-grid"),
    },
    Housing: {
        Housing.owner: ("自住", "Owner-occupied"),
        Housing.rented: ("出租", "Rented"),
        Housing.vacant: ("空置", "Vacant"),
        Housing.other: ("其他", "Other"),
    },
    Relation: {
        Relation.head: ("户主", "Head"),
        Relation.spouse: ("配偶", "Spouse"),
        Relation.child: ("子女", "Child"),
        Relation.parent: ("父母", "Parent"),
        Relation.grandchild: ("孙子女", "Grandchild"),
        Relation.grandparent: ("祖父母", "Grandparent"),
        Relation.sibling: ("兄弟姐妹", "Sibling"),
        Relation.other_relative: ("其他亲属", "Other relative"),
        Relation.tenant: ("租户", "Tenant"),
        Relation.other: ("其他", "Other"),
    },
    Residence: {
        Residence.registered: ("户籍", "Registered"),
        Residence.permanent: ("常住", "Permanent"),
        Residence.floating: ("流动", "Floating"),
    },
    PersonStatus: {
        PersonStatus.active: ("在住", "Living here"),
        PersonStatus.moved_out: ("迁出", "Moved out"),
        PersonStatus.deceased: ("死亡", "Deceased"),
    },
    Tag: {
        Tag.elderly_alone: ("独居老人", "Elderly living alone"),
        Tag.elderly: ("老年人", "Elderly"),
        Tag.disabled: ("残疾人", "Disabled"),
        Tag.hardship: ("困难家庭", "Family in hardship"),
        Tag.left_behind_child: ("留守儿童", "Left-behind child"),
        Tag.key_person: ("重点人员", "Key person"),
        Tag.party_member: ("党员", "Party member"),
        Tag.veteran: ("退役军人", "Veteran"),
        Tag.volunteer: ("志愿者", "Volunteer"),
    },
    Role: {
        Role.admin: ("管理员", "Administrator"),
        Role.dispatcher: ("社区工作人员", "Dispatcher"),
        Role.worker: ("网格员", "Grid worker"),
        Role.handler: ("处置人员", "Handler"),
        Role.member: ("党员志愿者", "Party member"),
        Role.resident: ("居民", "Resident"),
    },
    Outcome: {
        Outcome.met: ("见面", "Met"),
        Outcome.not_home: ("无人在家", "Not home"),
        Outcome.refused: ("拒绝", "Refused"),
        Outcome.moved_away: ("已搬离", "Moved away"),
        Outcome.other: ("其他", "Other"),
    },
    Urgency: {
        Urgency.low: ("低", "Low"),
        Urgency.normal: ("一般", "Normal"),
        Urgency.high: ("紧急", "High"),
        Urgency.urgent: ("特急", "Urgent"),
    },
    Source: {
        Source.snap: ("随手拍", "Snap and report"),
        Source.request: ("居民提事", "Resident request"),
        Source.visit: ("走访", "Visit"),
    },
    Action: {
        Action.report: ("上报", "Report"),
        Action.accept: ("受理", "Accept"),
        Action.reject: ("不予受理", "Reject"),
        Action.dispatch: ("派单", "Dispatch"),
        Action.start: ("开始处置", "Start"),
        Action.return_: ("退回", "Return"),
        Action.extend: ("延期", "Extend"),
        Action.park: ("挂起", "Park"),
        Action.handle: ("办结反馈", "Handle"),
        Action.verify_pass: ("核查通过", "Verify: pass"),
        Action.verify_fail: ("核查不通过", "Verify: fail"),
        Action.escalate: ("上报街道", "Escalate"),
        Action.close: ("结案", "Close"),
        Action.reopen: ("重新办理", "Reopen"),
        Action.rate: ("评价", "Rate"),
        Action.comment: ("备注", "Comment"),
    },
    Status: {
        Status.reported: ("已上报", "Reported"),
        Status.accepted: ("已受理", "Accepted"),
        Status.rejected: ("不予受理", "Rejected"),
        Status.dispatched: ("已派单", "Dispatched"),
        Status.in_progress: ("处置中", "In progress"),
        Status.parked: ("挂起", "Parked"),
        Status.handled: ("已办理", "Handled"),
        Status.closed: ("已办结", "Closed"),
    },
    Level: {Level.community: ("社区", "Community"), Level.street: ("街道", "Street")},
}
