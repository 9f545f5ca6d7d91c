"""Feedback after an interview: figures from timing and words, a report, its storage.

Kept import-free so the db layer can use :mod:`interview_coach.feedback.status`.
"""
