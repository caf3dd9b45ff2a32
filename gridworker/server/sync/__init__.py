"""The sync engine: push, pull, field merge, scope, the record store and change feed, incidents, shared state, repairs."""
