"""The central sync server: FastAPI app, record store with change feed, auth, scope, blobs, admin CLI.

Entry points: `create_app(settings)` (server.app) and `gridworker-server` (server.cli).
"""
