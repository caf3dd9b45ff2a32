"""Sub-commands of `gridworker`, one module each (see gridworker.cli)."""
