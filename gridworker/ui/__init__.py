"""The PySide6 desktop UI. The only package that imports Qt; it calls services, never a database session."""
