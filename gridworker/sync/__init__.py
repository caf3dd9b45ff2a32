"""The client sync engine (docs/sync-protocol.md, section 9).

    engine.SyncEngine(account, store).sync_once() -> SyncResult   one round: push, pull, photos
    worker.SyncWorker(account, store)                             one per account: trigger, status, backoff
    link.login / link.logout                                      sign in and out; offline areas mapped
    conflicts                                                     the user's list of collisions and rejections

Kept free of imports here: gridworker.domain.all_models imports the tables
module, and must not pull the HTTP stack in with it.
"""
