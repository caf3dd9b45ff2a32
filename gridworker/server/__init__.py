"""The central sync server, in four packages that depend downwards only:

    core/   configuration, the database and its schema, errors, accounts and tokens, blob storage
    sync/   the sync engine: push, pull, merge, scope, records and change feed, incidents, shared state, repairs
    api/    HTTP: the FastAPI app factory, routes, blob routes, errors turned into answers
    admin/  `gridworker-server`: the admin CLI, admin operations, setting a server up

core ← sync ← api, admin. Entry points: `create_app(settings)` (server.api.app) and
`gridworker-server` (server.admin.cli). The server imports only gridworker.domain from the rest
of gridworker (and gridworker.language for the CLI's default language).
"""
