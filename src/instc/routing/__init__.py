"""instc.routing: door-to-door options by cost, time and CO2e, leg by leg.

- :func:`route` — the best option by ``cost``, ``time``, ``co2e``, ``distance`` or
  ``generalised`` cost, with constraints (avoid countries, modes, places, links,
  borders, rule waters; via points; vessel flag) and an ``as_of`` date;
- :func:`instc.routing.alternatives.alternatives` — k really different options (Yen's
  k-shortest, distinct links);
- :func:`instc.routing.pareto.pareto` — the exact non-dominated set over (cost, time,
  CO2e);
- :func:`instc.routing.compare.compare` — the best option of each corridor family of
  ``families.toml``.

The package names only what no module is called: ``instc.routing.pareto`` is the module.

Results are frozen :class:`RouteOption` objects with ``to_dict()`` (the CLI's JSON),
``to_frame()`` and ``to_geojson()``. An impossible request raises
:class:`~instc._errors.NoRouteError` naming the constraint that cut the last path.
"""

from __future__ import annotations

from instc.routing.compare import Comparison, Family, load_families
from instc.routing.results import Leg, RouteOption, Totals, options_to_geojson, write_geojson
from instc.routing.rules import FlagRule, default_rules
from instc.routing.shortest import one_to_all, route, shortest_path_tree

__all__ = [
    "Comparison",
    "Family",
    "FlagRule",
    "Leg",
    "RouteOption",
    "Totals",
    "default_rules",
    "load_families",
    "one_to_all",
    "options_to_geojson",
    "route",
    "shortest_path_tree",
    "write_geojson",
]
