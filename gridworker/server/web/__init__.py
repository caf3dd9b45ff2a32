"""The phone pages (H5) for residents and party members, served by the sync server itself.

Server-rendered Jinja2 templates under /h5, with static CSS and JavaScript
from /h5/static (nothing from other sites: the pages must work on a
community network with no internet). Sessions are signed cookies
(session.py), every form carries a CSRF token, every page is Chinese by
default and English complete (words.py). The package sits beside api/:
it uses core/ and sync/, and api/app.py mounts it.
"""
