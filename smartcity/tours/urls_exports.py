"""Routes of the tours: exports."""

urlpatterns: list = []
