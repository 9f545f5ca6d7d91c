"""Refuse control characters in any path, query or form value before a route runs.

The domain checks the fields it stores as well (``interview_coach.inputs``); this guard covers
everything else a request carries, so no value with NUL reaches a database query.
"""

from __future__ import annotations

from fastapi import Request

from interview_coach.errors import AppError, ValidationFailed
from interview_coach.inputs import control_character_problem

# Form fields typed into a textarea: line breaks and tabs belong there.
MULTI_LINE_FIELDS = frozenset({"job_description", "resume"})
# Sign-in's return address: ``safe_next`` already turns one with control characters into "/".
CHECKED_BY_ROUTE = frozenset({"next"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def verify(request: Request) -> None:
    query = [
        value for key, value in request.query_params.multi_items() if key not in CHECKED_BY_ROUTE
    ]
    for value in (*request.path_params.values(), *query):
        if isinstance(value, str) and control_character_problem(value, "address"):
            raise AppError("The address contains a control character. Check the link.")
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        errors: dict[str, str] = {}
        for field, value in form.multi_items():
            if not isinstance(value, str) or field in errors or field in CHECKED_BY_ROUTE:
                continue
            label = field.replace("_", " ")
            problem = control_character_problem(value, label, multiline=field in MULTI_LINE_FIELDS)
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationFailed(errors)
