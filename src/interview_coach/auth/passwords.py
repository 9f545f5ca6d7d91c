"""Argon2id hashing, off the event loop; verification never raises on a bad hash.

One hash takes tens of milliseconds of CPU and 64 MiB of memory. Run on the event loop it
would stall every request and live interview in the process, so both calls run in a small
bounded pool of worker threads (argon2 releases the GIL while it works); excess calls queue.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASH_WORKERS = 2

_hasher = PasswordHasher()
_pool = ThreadPoolExecutor(max_workers=HASH_WORKERS, thread_name_prefix="argon2")
# Verified against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool, _hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True only for a real hash that matches; the same work for a missing one."""
    check = partial(_verify, password_hash, password)
    return await asyncio.get_running_loop().run_in_executor(_pool, check)
