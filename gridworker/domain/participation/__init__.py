"""Party members and residents take part (issue 16): the pure rules.

Check-in, service orders, activities, the points ledger, the points shop and
micro-wishes, each a pure module: no database, no Qt, no I/O beyond reading
the resource tables through `tables.load_table`. Services, the server and the
screens stand on these rules; docs/participation.md describes them.
"""
