"""Mail delivery off the event loop: kicked after each event that queues mail, and retried every minute.

The kick runs in the worker whose event queued the mail (each message is claimed before it is sent, so
concurrent rounds never send one twice); the minute's retry round runs in one worker at a time
(domain/job_lock.py), however many workers start this lifespan task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from portal_app.domain.job_lock import run_once_across_workers
from portal_app.domain.mail import deliver_due_mail

log = logging.getLogger(__name__)

RETRY_INTERVAL_SECONDS = 60
_running: asyncio.Task | None = None
_again = False


async def _deliver(once_across_workers: bool = False) -> None:
    try:
        if once_across_workers:
            await asyncio.to_thread(run_once_across_workers, "mail-retry", deliver_due_mail)
        else:
            await asyncio.to_thread(deliver_due_mail)
    except Exception:  # a broken database must not kill the worker; the next round retries
        log.exception("mail delivery round failed")


async def _deliver_until_idle() -> None:
    global _again
    while True:
        _again = False
        await _deliver()
        if not _again:
            return


def kick_mail_delivery() -> None:
    """Start a delivery round now, without waiting for it (the member's page never waits for SMTP)."""
    global _running, _again
    _again = True
    if _running is not None and not _running.done():
        return
    _running = asyncio.get_running_loop().create_task(_deliver_until_idle())


async def mail_retry_loop() -> None:
    """Lifespan task: delivers what is due (retries included) for as long as the app runs."""
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            await _deliver(once_across_workers=True)
            await asyncio.sleep(RETRY_INTERVAL_SECONDS)
