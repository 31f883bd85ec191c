"""Maps of sites, themes, district counts and routes, drawn from plain GeoJSON-like data.

The room reads no database and no settings: callers pass features (WGS-84) or an itinerary
and a :class:`~redres.maps.options.MapSettings`, and get a ``folium.Map`` (see
:mod:`redres.maps.render` and :mod:`redres.maps.route_map`), an HTML page (``to_html``) or a
PNG (:mod:`redres.maps.route_png`). Scripts come from ``static/vendor/`` (served by the app,
inlined in standalone files), never from a CDN.
"""
