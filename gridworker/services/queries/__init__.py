"""What the front-ends read, by subject: one call each, one short read session, plain dataclasses back.

    register    the area tree, the paged people / household / building lists, households to place in
    incidents   the incident board, an incident's detail, possible duplicates, time left on the clock
    people      the users known on this computer (to dispatch to, to name)
    visits      open walk-rounds and their stops, buildings to plan in, a household's visits
    places      the areas records may be placed in, the building nearest a position
    places_register  the register of places (场所): list, search, card, due list, overdue hazards, figures
    roster      the grids' teams (网格“1+6+N”): a grid's roster, incomplete grids, dispatch contacts
    outbox      whether a record is on the server yet (its outbox rows)
    periods     the dashboard's period presets as dates

No Qt here; the GUI calls these through its task runner (tests/core/test_layering.py).
Writes live in the services themselves (services.incidents, services.register, ...).
"""
