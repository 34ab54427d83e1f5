"""Routes of the channels: calendar."""

urlpatterns: list = []
