"""Routes of the tours: walk."""

urlpatterns: list = []
