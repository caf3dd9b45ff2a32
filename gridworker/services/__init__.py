"""Named operations. Each runs in one transaction that also appends to the outbox."""
