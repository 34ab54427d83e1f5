"""``{% map_config_json %}``: the shared map configuration (portal.maps) as JSON, for the
``<meta name="map-config">`` of templates/includes/map_assets.html (autoescaped there, so it is
safe in the attribute; a meta tag rather than a JSON script block keeps pages free of inline
script elements)."""

import json

from django import template

from portal import maps

register = template.Library()


@register.simple_tag
def map_config_json() -> str:
    return json.dumps(maps.map_config())
