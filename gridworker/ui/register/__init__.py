"""The register screen's widgets: lists, editors, dialogs, Excel import and export."""
