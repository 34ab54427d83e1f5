"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) at /open311/v2/.

Plain Django views: the specification fixes the URLs (``requests.json``, ``requests.xml``), the
form-encoded POST with ``attribute[code]`` fields and the error lists, which a generic REST
framework would only get in the way of. Responses never contain personal data. Every
parameter is checked before anything is stored (``parsing``): bad input is a 400 with the
error list in the client's format, never a 500. Requests are
filed through the same services as the web forms; keys are issued by ``services.services``.

``rendering`` (formats, errors, a request's entry), ``catalogue`` (what the API offers and
shows), ``parsing`` (input), ``views``.
"""
