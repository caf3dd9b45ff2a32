"""Item models of the screens (QAbstractItemModel subclasses over service results)."""
