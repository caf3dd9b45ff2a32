"""The field-work screens' widgets: visits, reports, incidents, photos, charts."""
