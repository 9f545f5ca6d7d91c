"""Routers: sign-in pages, app pages, JSON API."""
