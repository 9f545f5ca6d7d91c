from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fakes.http import serving


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse({"got": await request.json()})


async def test_a_fake_app_answers_on_a_real_port() -> None:
    app = Starlette(routes=[Route("/v1/echo", _echo, methods=["POST"])])
    async with serving(app) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        answer = await client.post("/v1/echo", json={"a": 1})
    assert answer.json() == {"got": {"a": 1}}
