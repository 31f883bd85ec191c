"""The planner's sentences in English, by key: why a site was left out, warnings on a plan or
a stop, plan requests that cannot be planned, and what breaks when a route runs on a date.

`messages.ENGLISH` holds them with the rest (one catalogue of keys); the Chinese of each is the
``msg.<key>`` entry of the page locales. A site named in them is a `messages.Name`, so each
reader gets the name in their language. They are kept here, apart, because the planner has
many ways to say no.
"""

from __future__ import annotations

PLAN_ENGLISH: dict[str, str] = {
    # why a candidate was left out of a plan
    "excluded": "excluded by the request",
    "no_location": "no location is recorded, so travel to it cannot be timed",
    "low_relevance": "not tagged with any requested theme ({themes})",
    "capacity": "takes groups of up to {capacity}; the group is {group}",
    "unknown_hours": "opening hours are not recorded",
    "book_ahead": "groups must book {days} days ahead; too late to book for {date}",
    "closed_on": "closed on {dates}",
    "outside_window": (
        "open {hours}, which leaves no {minutes}-minute visit inside the day window "
        "{window}{lunch}{last_entry}"
    ),
    "outside_window.lunch": " around lunch {lunch}",
    "outside_window.last_entry": " with last entry {minutes} min before closing",
    "assumed_hours": "{hours} (assumed)",
    "lunch_conflict": "did not fit around the lunch break",
    "unreachable": (
        "cannot be reached, visited and left within the day window from the start point"
    ),
    "max_stops": "the day(s) it could fit already have the maximum of {limit} stops",
    "over_budget_alone": "ticket {price} yuan per person is over the {budget}-yuan budget",
    "over_budget": (
        "ticket {price} yuan per person: with it the tickets would cost {total} of the "
        "{budget}-yuan budget per person"
    ),
    "kind_cap_trip": "the trip already has the most {kind_en} stops allowed ({cap})",
    # stops saved or checked against the plan's limits (routes/plan_save.py)
    "site_reason": "{site}: {reason}",
    "saved_over_budget": (
        "the tickets cost {total} yuan per person, over the {budget}-yuan budget per person"
    ),
    "saved_kind_cap_trip": "{count} {kind_en} stops, over the cap of {cap} for the trip",
    "saved_kind_cap_day": "day {day} has {count} {kind_en} stops, over the cap of {cap} a day",
    "kind_cap_day": "every day it could fit already has the most {kind_en} stops allowed ({cap} a day)",
    "order_days": (
        "{later} ({later_date}) comes before {earlier} ({earlier_date}): {earlier} cannot be "
        "visited on that day or earlier"
    ),
    "order_hours": (
        "{later} ({later_date}) comes before {earlier} ({earlier_date}): in that order their "
        "day does not fit (opening hours, travel or the day window)"
    ),
    "order_tradeoff": (
        "{later} ({later_date}) comes before {earlier} ({earlier_date}): keeping the order "
        "would have cost a stop or more of the order elsewhere"
    ),
    "no_time": "not enough time: higher-scoring stops filled the day (score {score}, {minutes} min visit)",
    # warnings on a plan or a stop
    "public_holiday": "{date} is a public holiday ({name}): holiday hours apply, expect crowds",
    "reservation_required": "reservation required {days} days ahead: book by {by}",
    "reservation_recommended": "reservation recommended for groups",
    "hours_assumed": "opening hours not recorded; assumed {hours}, confirm with the site{note}",
    "hours_assumed.note": " (note: {note_en})",
    "tight_connection": (
        "tight connection: arrives {arrive}, and the visit must start by {latest} "
        "(closing, last entry, lunch or the day's end)"
    ),
    "ticket_unpriced": "ticket price not recorded: counted as free in the ticket total, confirm with the site",
    "visit_assumed": "visit length not recorded; {minutes} minutes assumed",
    "no_official_holidays": (
        "no official holiday schedule is loaded for {year} (it may not be published yet); "
        "public holidays are computed from the statutory holidays and adjusted working days "
        "are unknown"
    ),
    "no_official_holidays_next": (
        "no official holiday schedule is loaded for {next_year}; its New Year rest period "
        "may begin in late December {year}"
    ),
    # plan requests that cannot be planned
    "e_no_theme": "at least one theme is needed",
    "e_theme_weight": "the weight of theme '{slug}' must be a positive number, not {weight}",
    "e_days_range": "the number of days must be between 1 and {limit}, not {days}",
    "e_mode": "the travel mode must be one of {modes}, not '{mode}'",
    "e_group_size": "the group size must be at least 1, not {size}",
    "e_window_order": "the day window {window} must end after it starts",
    "e_must_excluded": "a site cannot be both a must-visit and excluded: {slugs}",
    "e_max_stops": "the stops per day must be at least 1, not {value}",
    "e_unknown_hours": "unknown_hours must be 'assume' or 'omit', not '{value}'",
    "role_start": "start",
    "role_end": "end",
    "e_unknown_site": "unknown site '{slug}' in must/exclude",
    "e_must_unplaceable": "must-visit site '{slug}' cannot be visited: {detail}",
    "e_unknown_place": "unknown {role} site '{slug}'",
    "e_place_unlocated": "{role} site '{slug}' has no recorded location",
    "e_place_name_unknown": "no site is called '{name}' (the {role}); give its name, alias or slug",
    "site_slug": "{name} ({slug})",
    "e_place_name_ambiguous": (
        "{count} sites match '{name}' (the {role}): {sites}; give one as {{\"site\": slug}}"
    ),
    "e_itinerary_infeasible": "the itinerary does not hold for the plan: {reasons}",
    "e_edit_infeasible": "the changed stops do not hold for the route's saved plan: {reasons}",
    "e_theme_unknown": "unknown theme {slug!r}; known themes: {known}",
    "e_itinerary_day_shape": (
        "each itinerary day needs 'stops' (at most {limit}), each with the site's 'slug'"
    ),
    "e_itinerary_days": "the itinerary has {count} days but the plan only {days}",
    "e_itinerary_empty": "the itinerary has no stops to save",
    "e_must_together": "the must-visit sites {slugs} do not fit together in the plan's days",
    "e_must_lunch": "the must-visit sites do not fit around the lunch break",
    "e_time_range": "{value!r} is not a time range HH:MM-HH:MM: {reason}",
    "e_lunch_window": "lunch {lunch} must lie inside the window {window}",
    "e_plan_dates": (
        "the plan must fall between {first} and {last} (the years whose public holidays are "
        "known); {date} with {days} days does not"
    ),
    # violations of a curated route on a date
    "v_no_location": "{name}: no location recorded",
    "v_closed": "{name} is closed on {date}",
    "v_closure": "{name} is closed on {date}; {closure}",
    "v_past_closing": "{name}: the visit would run past closing at {closing}",
    "v_after_last_entry": "{name}: arrives {arrive}, after last entry at {last_entry}",
    "v_over_window": "day {day} ends at {end}, after the window's {window_end}",
}

PLAN_ENGLISH_ONE: dict[str, tuple[str, str]] = {
    "book_ahead": ("days", "groups must book 1 day ahead; too late to book for {date}"),
    "reservation_required": ("days", "reservation required 1 day ahead: book by {by}"),
    "e_plan_dates": (
        "days",
        "the plan must fall between {first} and {last} (the years whose public holidays are "
        "known); {date} with 1 day does not",
    ),
}
"""English sentences for a count of one (the field that counts, the sentence), where the
sentence above says "days": Chinese has no plural, so these have no Chinese counterpart."""
