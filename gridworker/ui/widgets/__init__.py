"""Widgets shared by the pages: register_* (registers), fieldwork_* (visits, reports, incidents), sync_*."""
