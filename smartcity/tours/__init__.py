"""The CAS-App's city tours (Stadtrundgänge): tours, their ordered stops and routes.

This step holds the data model; the pages (``/rundgaenge/``), the admin and the API follow."""
