"""Reflex configuration: every value an operator sets comes from portal_app.settings."""

import reflex as rx

from portal_app import first_paint, settings

config = rx.Config(
    app_name="portal_app",
    db_url=settings.DATABASE_URL,
    frontend_port=settings.PORT,
    backend_port=settings.PORT,
    api_url=settings.PUBLIC_URL,
    deploy_url=settings.PUBLIC_URL,
    cors_allowed_origins=[settings.PUBLIC_URL],
    trusted_proxy_hops=settings.TRUSTED_PROXY_HOPS,  # the websocket's client IP; HTTP routes: request_origin
    # Several workers (PORTAL_WORKERS) share the states in Redis (REFLEX_REDIS_URL, read by Reflex itself);
    # an idle tab's state expires after PORTAL_STATE_TTL seconds, so none grows without bound.
    redis_token_expiration=settings.STATE_TTL_SECONDS,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_compression_formats=["brotli", "gzip"],
    frontend_lazy_bundled_libraries=True,
    default_color_mode="light",
    plugins=[rx.plugins.TailwindV4Plugin(), first_paint.plugin()],  # first_paint: CSS inlined after the build
    disable_plugins=[rx.plugins.SitemapPlugin],
)
