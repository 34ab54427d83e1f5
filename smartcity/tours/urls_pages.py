"""Routes of the tours: pages."""

urlpatterns: list = []
