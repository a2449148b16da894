"""Placeholder: routes are being built."""

urlpatterns: list = []
