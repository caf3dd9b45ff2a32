"""The client sync engine (docs/sync-protocol.md, section 9).

    engine.SyncEngine(account, store).sync_once() -> SyncResult   one round: push, pull, photos
    worker.SyncWorker(account, store)                             one per account: trigger, status, backoff
    link.login / link.logout                                      sign in and out; offline areas mapped
    conflicts                                                     the user's list of collisions and rejections

Its local tables (conflicts, blob queue, resync checklist, held evictions)
live in gridworker.store.sync_tables, below the services that read them.
"""
