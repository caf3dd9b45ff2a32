"""The community staff's participation screens (issue 16): check-in review, service orders, points, the shop.

They sit as tabs of one navigation entry (pages/participation.py), so the navigation stays short on a
1024×600 netbook. Each tab reads through services/queries and writes through services/participation,
with the task runner; refusals are the participation rules' own words, shown where the user acted.
"""
