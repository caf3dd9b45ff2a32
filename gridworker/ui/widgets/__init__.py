"""Widgets shared by the pages: the status bar's sync status and the holiday-table warning."""
