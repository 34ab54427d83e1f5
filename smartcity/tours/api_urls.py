"""Read-only tours API for the CAS-App under /api/v1/tours/."""

urlpatterns: list = []
