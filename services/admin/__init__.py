"""The staff back office of the Serviceportal in the Django admin.

``catalogue`` (services and their forms), ``cases`` (the case list, page and actions),
``records`` (access log, defect routing, Open311 keys). Importing the package registers them.
"""

from services.admin import cases, catalogue, records

__all__ = ["cases", "catalogue", "records"]
