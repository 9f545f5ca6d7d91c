"""The ``interview-coach`` command: serve, migrate, and an admin/scripting surface."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from interview_coach.config import Settings, get_settings
from interview_coach.errors import AppError
from interview_coach.resources import Resources

Handler = Callable[[argparse.Namespace, Settings], int]


def _settings_for(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    for name in ("host", "web_port", "realtime_port"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    settings = get_settings()
    return settings.model_copy(update=overrides) if overrides else settings


def _print(
    args: argparse.Namespace, data: dict[str, Any] | list[dict[str, Any]], text: str
) -> None:
    print(json.dumps(data, default=str, indent=2) if args.json else text)


def _migrate(settings: Settings) -> None:
    from interview_coach.db.migrate import upgrade

    upgrade(settings.resolved_database_url())


async def _with_resources(settings: Settings, work: Callable[[Resources], Awaitable[int]]) -> int:
    resources = Resources.from_settings(settings)
    try:
        return await work(resources)
    finally:
        await resources.close()


# ---------------------------------------------------------------- serving


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    _migrate(settings)
    asyncio.run(_serve_both(settings))
    return 0


async def _serve_both(settings: Settings) -> None:
    from interview_coach.realtime.server import RealtimeServer

    resources = Resources.from_settings(settings)
    realtime = RealtimeServer(resources)
    port = await realtime.start(settings.host, settings.realtime_port)
    web = _uvicorn_server(resources, settings)
    print(f"Interview Coach web:       http://{settings.host}:{settings.web_port}", flush=True)
    print(f"Interview Coach real-time: ws://{settings.host}:{port}", flush=True)
    try:
        await web.serve()
    finally:
        await realtime.stop()
        await resources.close()


def _uvicorn_server(resources: Resources, settings: Settings) -> Any:
    import uvicorn

    from interview_coach.web.app import create_app

    config = uvicorn.Config(
        create_app(resources),
        host=settings.host,
        port=settings.web_port,
        log_level="info",
        proxy_headers=False,
    )
    return uvicorn.Server(config)


def cmd_serve_web(args: argparse.Namespace, settings: Settings) -> int:
    _migrate(settings)

    async def run() -> None:
        resources = Resources.from_settings(settings)
        print(f"Interview Coach web: http://{settings.host}:{settings.web_port}", flush=True)
        try:
            await _uvicorn_server(resources, settings).serve()
        finally:
            await resources.close()

    asyncio.run(run())
    return 0


def cmd_serve_realtime(args: argparse.Namespace, settings: Settings) -> int:
    from interview_coach.realtime.server import run_realtime

    _migrate(settings)

    async def run(resources: Resources) -> int:
        print(
            f"Interview Coach real-time: ws://{settings.host}:{settings.realtime_port}", flush=True
        )
        await run_realtime(resources, settings.host, settings.realtime_port)
        return 0

    return asyncio.run(_with_resources(settings, run))


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    _migrate(settings)
    print("Database is at the latest revision.")
    return 0


# ---------------------------------------------------------------- admin


def _interview_dict(interview: Any) -> dict[str, Any]:
    fields = (
        "id",
        "status",
        "job_title",
        "persona",
        "duration_minutes",
        "created_at",
        "updated_at",
        "started_at",
        "ended_at",
        "end_reason",
    )
    data = {name: getattr(interview, name) for name in fields}
    data["status"] = str(interview.status)
    data["end_reason"] = str(interview.end_reason) if interview.end_reason else None
    return data


async def _user_id(resources: Resources, email: str) -> int:
    from interview_coach.auth.users import get_by_email

    async with resources.sessions() as session:
        user = await get_by_email(session, email)
    if user is None:
        raise AppError(f"No user with email {email}.")
    return user.id


def cmd_users_create(args: argparse.Namespace, settings: Settings) -> int:
    from interview_coach.auth.users import create_user

    async def run(resources: Resources) -> int:
        async with resources.sessions() as session:
            user = await create_user(session, args.email, args.password, args.name or "")
        _print(args, {"id": user.id, "email": user.email, "name": user.name}, str(user.id))
        return 0

    return asyncio.run(_with_resources(settings, run))


def _read_optional(path: Path | None) -> str:
    return path.read_text(encoding="utf-8") if path else ""


def cmd_interviews_create(args: argparse.Namespace, settings: Settings) -> int:
    from interview_coach.interviews import service
    from interview_coach.interviews.enums import DEFAULT_PERSONA

    async def run(resources: Resources) -> int:
        user_id = await _user_id(resources, args.email)
        data = service.NewInterview(
            job_title=args.job_title,
            job_description=_read_optional(args.job_description_file),
            resume=_read_optional(args.resume_file),
            persona=args.persona or DEFAULT_PERSONA,
            duration_minutes=args.duration_minutes,
        )
        async with resources.sessions() as session:
            interview = await service.create_interview(session, user_id, data)
        _print(args, _interview_dict(interview), interview.id)
        return 0

    return asyncio.run(_with_resources(settings, run))


def cmd_interviews_show(args: argparse.Namespace, settings: Settings) -> int:
    from interview_coach.db.models import Interview
    from interview_coach.errors import NotFound

    async def run(resources: Resources) -> int:
        async with resources.sessions() as session:
            interview = await session.get(Interview, args.id)
        if interview is None:
            raise NotFound(f"No interview {args.id}.")
        data = _interview_dict(interview)
        text = "\n".join(f"{key}: {'' if value is None else value}" for key, value in data.items())
        _print(args, data, text)
        return 0

    return asyncio.run(_with_resources(settings, run))


def cmd_interviews_list(args: argparse.Namespace, settings: Settings) -> int:
    from interview_coach.interviews import service

    async def run(resources: Resources) -> int:
        user_id = await _user_id(resources, args.email)
        async with resources.sessions() as session:
            interviews = [_interview_dict(i) for i in await service.list_for_user(session, user_id)]
        lines = [f"{i['id']}  {i['status']:<11}  {i['job_title']}" for i in interviews]
        _print(args, interviews, "\n".join(lines))
        return 0

    return asyncio.run(_with_resources(settings, run))


def cmd_tickets_issue(args: argparse.Namespace, settings: Settings) -> int:
    from interview_coach.db.models import Interview
    from interview_coach.errors import NotFound

    async def run(resources: Resources) -> int:
        async with resources.sessions() as session:
            interview = await session.get(Interview, args.interview)
        if interview is None:
            raise NotFound(f"No interview {args.interview}.")
        token = resources.tickets.issue(interview.user_id, interview.id)
        data = {"token": token, "expires_in": resources.tickets.max_age_seconds}
        _print(args, data, token)
        return 0

    return asyncio.run(_with_resources(settings, run))


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interview-coach", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def add(parent: Any, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = parent.add_parser(name, help=help_text)
        sub.set_defaults(handler=handler)
        sub.add_argument("--json", action="store_true", help="print JSON")
        return sub

    for name, handler, text in (
        ("serve", cmd_serve, "migrate, then run the web app and the real-time server"),
        ("serve-web", cmd_serve_web, "migrate, then run the web app alone"),
        ("serve-realtime", cmd_serve_realtime, "migrate, then run the real-time server alone"),
    ):
        sub = add(commands, name, handler, text)
        sub.add_argument("--host")
        sub.add_argument("--web-port", type=int)
        sub.add_argument("--realtime-port", type=int)

    db = commands.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    add(db, "upgrade", cmd_db_upgrade, "apply migrations up to the latest")

    users = commands.add_parser("users", help="accounts").add_subparsers(
        dest="users_command", required=True
    )
    sub = add(users, "create", cmd_users_create, "create an account")
    sub.add_argument("--email", required=True)
    sub.add_argument("--password", required=True)
    sub.add_argument("--name")

    interviews = commands.add_parser("interviews", help="interviews").add_subparsers(
        dest="interviews_command", required=True
    )
    sub = add(interviews, "create", cmd_interviews_create, "create an interview; prints its id")
    sub.add_argument("--email", required=True)
    sub.add_argument("--job-title", required=True)
    sub.add_argument("--job-description-file", type=Path)
    sub.add_argument("--resume-file", type=Path)
    sub.add_argument("--persona")
    sub.add_argument("--duration-minutes", type=int, default=30)
    sub = add(interviews, "show", cmd_interviews_show, "show one interview")
    sub.add_argument("id")
    sub = add(interviews, "list", cmd_interviews_list, "list a user's interviews")
    sub.add_argument("--email", required=True)

    tickets = commands.add_parser("tickets", help="real-time tickets").add_subparsers(
        dest="tickets_command", required=True
    )
    sub = add(tickets, "issue", cmd_tickets_issue, "issue a real-time token for the owner")
    sub.add_argument("--interview", required=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args, _settings_for(args)))
    except AppError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
