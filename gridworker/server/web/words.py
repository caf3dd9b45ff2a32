"""Every word the phone pages show, in Chinese (the default) and English: key → (zh, en).

Templates say `t("app_name")`; messages built in Python use `Words.get`. A test
checks that every key used in a template or in this package is here, with
both languages filled in.
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # -- frame -------------------------------------------------------------------------------
    "app_name": ("网格员工作台 · 居民服务", "GridWorker · Resident services"),
    "lang_switch": ("English", "中文"),
    "home": ("首页", "Home"),
    "sign_out": ("退出登录", "Sign out"),
    "back": ("返回", "Back"),
    "required": ("必填", "required"),
    "submit": ("提交", "Submit"),
    "sending": ("正在提交…", "Sending…"),
    # -- sign in, register -------------------------------------------------------------------
    "sign_in": ("登录", "Sign in"),
    "register": ("注册", "Register"),
    "phone": ("手机号", "Mobile number"),
    "password": ("密码", "Password"),
    "password_hint": ("至少 8 位", "at least 8 characters"),
    "name": ("姓名", "Name"),
    "community": ("所在社区", "Community"),
    "no_account": ("还没有账号？", "No account yet?"),
    "have_account": ("已有账号？", "Already registered?"),
    "signed_out": ("您已退出登录", "You are signed out"),
    "session_expired": (
        "登录已过期，请重新登录；您填写的文字已保留在本机，登录后可继续提交",
        "Your session has expired: sign in again. What you typed is kept on this phone and waits for you",
    ),
    "bad_login": ("手机号或密码不正确", "Wrong mobile number or password"),
    "too_many": ("操作过于频繁，请 {seconds} 秒后再试", "Too many attempts: try again in {seconds} seconds"),
    "phone_taken": ("该手机号已注册，请直接登录", "This mobile number is registered already: sign in instead"),
    "bad_phone": ("手机号应为 11 位数字，以 1 开头", "A mobile number is 11 digits starting with 1"),
    "bad_name": ("姓名应为 1 到 30 个字", "A name is 1 to 30 characters"),
    "bad_password": ("密码至少 8 位，且不能是常见密码", "A password has at least 8 characters and is not a common one"),
    "bad_community": ("请从社区的二维码进入", "Open these pages from your community's QR code"),
    "bad_form": ("页面已过期，请刷新后重试", "This page has expired: reload it and try again"),
    "too_large": ("上传的内容太大（上限 {limit}）", "What you sent is too large (at most {limit})"),
    "community_of": ("{community}", "{community}"),
    "welcome": ("欢迎，{name}", "Welcome, {name}"),
    # -- verification ------------------------------------------------------------------------
    "verify": ("实名认证", "Verify your identity"),
    "verify_intro": (
        "填写与社区台账一致的姓名和身份证号。只有服务器核对，不会显示台账中的任何信息。",
        "Enter your name and ID number as the community's register holds them. Only the server compares;"
        " nothing of the register is shown.",
    ),
    "id_number": ("身份证号", "ID number"),
    "verified": ("已实名认证", "Verified resident"),
    "not_verified": ("尚未认证", "Not verified yet"),
    "verify_failed": ("姓名和身份证号与台账不符，还可尝试 {left} 次", "Name and ID number do not match the register: {left} tries left"),
    "verify_locked": (
        "核对失败次数过多，请 {minutes} 分钟后再试",
        "Too many failed tries: try again in {minutes} minutes",
    ),
    "verify_done": ("认证成功", "You are verified"),
    "bad_id_number": ("身份证号格式不正确", "The ID number is not valid"),
    # -- snap and report ---------------------------------------------------------------------
    "snap": ("随手拍", "Report a problem"),
    "snap_intro": ("拍下身边的问题，网格员会处理并告诉您进展。", "Photograph a problem nearby: your grid worker handles it and tells you how it goes."),
    "photos": ("照片", "Photos"),
    "take_photo": ("拍照或选择照片", "Take or choose photos"),
    "photos_hint": ("最多 3 张，会自动缩小后上传", "Up to 3; made smaller before sending"),
    "description": ("问题描述", "What is wrong"),
    "category": ("问题类别", "Kind of problem"),
    "category_search": ("搜索类别（可输入拼音首字母）", "Search kinds (pinyin initials work too)"),
    "category_none": ("没有匹配的类别", "No kind matches"),
    "choose": ("请选择", "Choose one"),
    "location": ("位置", "Where"),
    "use_gps": ("使用手机定位", "Use my phone's location"),
    "gps_consent": ("只在您点按时读取一次位置，用于找到问题所在。", "Your location is read once, when you tap, only to find the problem."),
    "gps_ok": ("已定位", "Located"),
    "gps_failed": ("无法定位，请填写地址", "No location: type the address"),
    "address": ("地址（如：幸福小区 3 栋 2 单元）", "Address (e.g. Xingfu estate, building 3, unit 2)"),
    "need_place": ("请使用定位或填写地址", "Use your location or type an address"),
    "bad_description": ("请描述问题（最多 500 字）", "Describe the problem (at most 500 characters)"),
    "bad_category": ("请选择问题类别", "Choose a kind of problem"),
    "photo_too_big": ("照片“{name}”太大（上限 {limit}）", "Photo '{name}' is too large (at most {limit})"),
    "not_a_photo": ("“{name}”不是照片，请选择 JPEG、PNG 或 HEIC 图片", "'{name}' is not a photo: choose a JPEG, PNG or HEIC picture"),
    "too_many_photos": ("最多 3 张照片", "At most 3 photos"),
    "photo_required": ("这一类问题需要至少一张照片", "This kind of problem needs at least one photo"),
    "need_verified": ("实名认证后才能提交", "Verify your identity first"),
    "snap_sent": ("已提交，感谢您的反映！", "Sent: thank you for reporting it!"),
    # -- my reports ----------------------------------------------------------------------------
    "mine": ("我的反映", "What I sent"),
    "mine_none": ("您还没有提交过反映", "You have sent nothing yet"),
    "timeline": ("处理进展", "How it went"),
    "status": ("状态", "Status"),
    "reported_on": ("提交于 {when}", "Sent {when}"),
    "not_found": ("找不到该页面", "No such page"),
    "rate": ("评价", "Rate it"),
    "rating": ("满意度", "Rating"),
    "rating_1": ("很不满意", "Very poor"),
    "rating_2": ("不满意", "Poor"),
    "rating_3": ("一般", "Fair"),
    "rating_4": ("满意", "Good"),
    "rating_5": ("非常满意", "Very good"),
    "comment": ("意见（选填）", "Comment (optional)"),
    "rated": ("您的评价：{stars}", "Your rating: {stars}"),
    "rate_thanks": ("感谢您的评价", "Thank you for rating"),
    "bad_rating": ("请选择 1 到 5 分", "Choose 1 to 5"),
    "cannot_rate": ("办结后才能评价", "You can rate it once it is closed"),
    "refused": ("{message}", "{message}"),
    # -- QR codes ------------------------------------------------------------------------------
    "qr_title": ("扫码进入{community}居民服务", "Scan for {community} resident services"),
    "qr_hint": ("用微信或手机浏览器扫一扫", "Scan with WeChat or your phone's camera"),
    "print": ("打印", "Print"),
}


class Words:
    def __init__(self, lang: str):
        self.lang = "en" if lang == "en" else "zh"

    def get(self, key: str, **values: object) -> str:
        zh, en = WORDS[key]
        text = en if self.lang == "en" else zh
        return text.format(**values) if values else text

    __call__ = get
