"""Time at a site: opening hours, China's public holidays, temporary closures, today's visit.

The bottom floor of the rooms: it knows dates and rules as plain values and imports no database
model, so the catalogue, the route planner and the maps all read hours from here.
"""
