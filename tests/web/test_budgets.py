"""Lighthouse-style budgets of the phone pages, in a real browser at 360×640: every page under 100 KB
transferred before photos, nothing fetched from another origin, nothing wider than the screen."""

from __future__ import annotations

from .helpers import register_resident, verify_resident

BUDGET = 100 * 1024


def _load(phone, path: str) -> int:
    """Bytes the page took to load (headers and bodies of every response, photos left out)."""
    sizes: list[int] = []

    def count(response):
        if response.request.resource_type == "image" and "/qr.svg" not in response.url:
            return
        try:
            body = len(response.body())
        except Exception:  # a redirect has no body to read
            body = 0
        sizes.append(body + sum(len(k) + len(v) + 4 for k, v in response.headers.items()))

    phone.on("response", count)
    phone.goto(path)
    phone.wait_for_load_state("networkidle")
    phone.remove_listener("response", count)
    return sum(sizes)


def test_every_page_is_small_same_origin_and_fits_a_phone(phone, web_server):
    register_resident(phone)
    verify_resident(phone)
    pages = ["/h5/c/C1", "/h5/sign-in", "/h5/register", "/h5/", "/h5/verify", "/h5/snap", "/h5/mine",
             "/h5/c/C1/poster", "/h5/orders", "/h5/opinions", "/h5/notices", "/h5/lang?to=en&next=/h5/snap", "/h5/lang?to=zh&next=/h5/"]  # fmt: skip
    for path in pages:
        size = _load(phone, path)
        assert size < BUDGET, f"{path}: {size} bytes"
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a 360px screen"
        assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 17  # large type
    assert phone.context.outside == []
    assert phone.errors == []
