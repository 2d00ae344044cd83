"""Serve the built portal on PORTAL_WORKERS backend processes that are respawned when one dies.

`reflex run --env prod` builds the front end and serves it with the back end on one port through Granian;
it honours GRANIAN_WORKERS (settings.py sets it from PORTAL_WORKERS), but builds its Granian server without
`respawn_failed_workers`: when one worker dies (killed, out of memory) Granian stops every other one, and
the whole portal with them. Production therefore builds once (`reflex export --frontend-only --no-zip`,
which writes .web/build/client) and runs this module, the same Granian server as Reflex's with that one
option on:

    PORTAL_WORKERS=4 REFLEX_REDIS_URL=redis://… REFLEX_DB_URL=postgresql+psycopg://… python -m portal_app.serve

Each worker serves the built pages too (as `reflex run --env prod` does); a reverse proxy in front
(deploy/Caddyfile) may serve them itself. Run it from the repository's root (rxconfig.py).
"""

from __future__ import annotations

import argparse

from portal_app import settings

APP_TARGET = "portal_app.portal_app:app"  # rx.App is the factory: calling it returns the ASGI app


def _reflex_environment() -> None:
    """What `reflex run --env prod` sets before it starts Granian: production mode, no compile, pages mounted."""
    from reflex_base import constants
    from reflex_base.environment import environment

    environment.REFLEX_ENV_MODE.set(constants.Env.PROD)  # each .set() writes os.environ: the workers inherit it
    environment.REFLEX_SKIP_COMPILE.set(True)
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(True)


def main(argv: list[str] | None = None) -> None:
    """Start Granian with the portal's worker count, every dead worker respawned."""
    parser = argparse.ArgumentParser(prog="python -m portal_app.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="0.0.0.0")  # noqa: S104 (behind the reverse proxy)
    parser.add_argument("--port", type=int, default=settings.PORT)
    parser.add_argument("--workers", type=int, default=settings.WORKERS)
    options = parser.parse_args(argv)
    settings.check_production_settings()
    if options.workers > 1 and not settings.REDIS_URL:
        raise settings.ConfigurationError("several workers need REFLEX_REDIS_URL (Reflex's states shared)")
    _reflex_environment()

    from granian.constants import Interfaces
    from granian.server import Server

    Server(
        target=APP_TARGET,
        factory=True,
        address=options.host,
        port=options.port,
        interface=Interfaces.ASGI,
        workers=options.workers,
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=10,
    ).serve()


if __name__ == "__main__":
    main()
