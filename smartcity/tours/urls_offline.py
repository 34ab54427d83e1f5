"""Routes of the tours: offline."""

urlpatterns: list = []
