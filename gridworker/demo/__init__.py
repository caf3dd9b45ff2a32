"""The demo: a made-up community and everything that puts it somewhere.

    data.py, names.py   the generator (`generate`), the demo users; domain only, no database
    load.py             into a local store (`load_demo`, `trim_to_scope`), through the services
    account.py          the local demo account `make run` opens
    server.py           the local sync server `make run` starts and links the demo account to
    seed.py             into an empty server (`gridworker-server demo-seed`), through its admin operations

A front-end-level helper: it may use services, sync and the server; nothing in domain, store,
services or sync imports it. This module imports nothing, so that a process that needs one part
(the server's demo seed, the CLI's `gridworker demo`) loads only that part.
"""
