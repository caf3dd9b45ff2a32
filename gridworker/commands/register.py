"""Placeholder: filled in by the module owner."""


def register(sub) -> None:
    pass
