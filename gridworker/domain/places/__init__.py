"""Places (物) and their safety inspections: the pure core of issue 15, no database and no Qt.

place        the place record cleaned (every invalid field named)
licence      the 统一社会信用代码 check (GB 32100-2015, with the GB 11714 organisation code inside)
kinds        the place kinds (九小场所 and organisations) and their inspection intervals
checklists   the inspection checklist table (shipped, with the server's edits laid over it)
inspections  an inspection validated; failed items become hazards; the hazards' event log
escalation   the incident a serious hazard becomes (its fields, in the worker's language)
schedule     the places due for inspection; one walking order for places and households
statistics   inspected / total and hazards found / rectified / overdue, by kind and by grid

The design is in docs/places.md.
"""
