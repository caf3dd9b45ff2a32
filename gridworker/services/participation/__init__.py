"""Participation writes (issue 16): check-in review, service orders, the points ledger, the points shop.

Each write replays the local event log (or the member's ledger) through the rules of
`domain/participation/` before anything is saved, so the desk refuses offline what the server
would refuse, with the rule's Chinese and English words; what it accepts goes to the outbox. Reads
live by subject in services/queries/ (members, orders, points, shop).
"""
