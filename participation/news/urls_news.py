"""Routes of the channels: news."""

urlpatterns: list = []
