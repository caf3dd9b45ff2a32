"""The desktop screens of places and their safety inspections (issue 15; the core is gridworker/domain/places/)."""
