"""Persistence: engine, models and migrations."""
