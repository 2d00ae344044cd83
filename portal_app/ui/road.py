"""The one road of every member and adviser handler: origin, actor, domain call off the loop, errors shown.

A handler decorated with `@road.handler(...)` reads its form and calls `await road.act(self, action, ...)`;
`act` resolves the actor from the session (never held in Reflex state) and runs `action(actor, ...)` in a
thread, so bcrypt, SMTP queues and database reads never hold the event loop. What the domain raises is
turned into what the person sees, here and nowhere else:

- `NotAllowed` (no session, ended, wrong role): to the login page, brought back after login; a member refused
  an adviser page (`actors.ADVISER_ONLY`) goes back to « Mon Espace », still logged in;
- `ValidationError`: its messages in the state's `errors`, by their fields, and the focus on the first one;
- `NotFound`: the state's `problem` notice (or the state's `_on_not_found` when it has one).

A state may define `_on_not_allowed(error)` to say the refusal on the page instead of leaving it.

If a page needs a `try/except NotAllowed`, this road is missing something.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

import reflex as rx

from portal_app.domain import actors
from portal_app.domain.errors import NotAllowed, NotFound, ValidationError
from portal_app.ui.background import kick_mail_delivery
from portal_app.ui.forms import focus_first_error, focus_first_shown_error
from portal_app.ui.request_origin import remember_origin
from portal_app.ui.session_cookie import session_digest
from portal_app.ui.session_state import SessionState, login_redirect

T = TypeVar("T")
SHOWN_ORDER = None  # `fields=SHOWN_ORDER`: focus the first error as the page draws it
MEMBER_HOME = "/mon-espace"


async def _show_signed_in(state: rx.State, who: object) -> None:
    """Whatever page was opened first (reload, bookmark, new tab), the header knows who is there."""
    if isinstance(who, actors.Member | actors.Adviser):
        session = await state.get_state(SessionState)
        role = actors.role_of(who)
        if not session.is_logged_in or session.role != role:
            session._signed_in(role)


async def actor(state: rx.State) -> actors.Member | actors.Adviser | actors.PendingAdviser:
    """The actor of this request, or NotAllowed. For handlers that need it before any domain call."""
    who = await asyncio.to_thread(actors.resolve, session_digest(state))
    await _show_signed_in(state, who)
    return who


async def act(state: rx.State, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `action(actor, *args)` in a thread, the actor resolved from this request's session there too."""
    digest = session_digest(state)
    resolved: list[object] = []

    def run() -> T:
        who = actors.resolve(digest)
        resolved.append(who)
        return action(who, *args, **kwargs)

    result = await asyncio.to_thread(run)
    await _show_signed_in(state, resolved[0])
    return result


async def call(action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """A domain call that needs no actor (a public page: registration, a postcode's communes), off the loop."""
    return await asyncio.to_thread(action, *args, **kwargs)


async def _not_allowed(state: rx.State, error: NotAllowed) -> rx.event.EventSpec:
    session = await state.get_state(SessionState)
    hook = getattr(state, "_on_not_allowed", None)
    if hook is not None:  # a page that says why on the spot (the second factor's expired login)
        session._forget()
        return hook(error)
    if error.message == actors.ADVISER_ONLY and isinstance(await session._current_actor(), actors.Member):
        return rx.redirect(MEMBER_HOME, replace=True)  # a member on an adviser page: back home, still logged in
    session._forget()
    query = state.router.url.query_parameters
    # The page's own query comes back too (a claim's ?ref=…): no page of the portal carries a secret in it.
    return login_redirect(state.router.url.path + (f"?{urlencode(query)}" if query else ""))


async def _shown_not_found(state: rx.State, error: NotFound) -> Any:
    hook = getattr(state, "_on_not_found", None)
    if hook is not None:
        result = hook(error)
        return await result if inspect.isawaitable(result) else result
    if hasattr(state, "problem"):
        state.problem = error.message
    return None


def _shown_invalid(state: rx.State, error: ValidationError, fields: Sequence[str] | None, errors_var: str):
    setattr(state, errors_var, error.errors)
    if fields is None:
        return focus_first_shown_error()
    return focus_first_error(error, list(fields))


def handler(
    fields: Sequence[str] | None = (),
    *,
    busy: bool = False,
    sends_mail: bool = False,
    errors_var: str = "errors",
) -> Callable[[Callable[..., Any]], Any]:
    """Decorate a state's event handler with the road.

    `fields`: the form's fields in page order, for the focus after a ValidationError (`None`: as drawn).
    `busy`: set `self.busy` while the handler runs and show it at once (a button that says it works).
    `sends_mail`: after a success, start delivering the mail the action queued (the page never waits for SMTP).
    The body may return or yield events, be a coroutine or a plain function.
    """

    def decorate(fn: Callable[..., Any]):
        @functools.wraps(fn)
        async def on_the_road(self, *args, **kwargs):
            remember_origin(self)
            if busy:
                self.busy = True
                yield
            try:
                result = fn(self, *args, **kwargs)
                if inspect.isasyncgen(result):
                    async for event in result:
                        yield event
                else:
                    if inspect.isawaitable(result):
                        result = await result
                    if result is not None:
                        yield result
                if sends_mail:
                    kick_mail_delivery()
            except NotAllowed as error:
                yield await _not_allowed(self, error)
            except ValidationError as error:
                yield _shown_invalid(self, error, fields, errors_var)
            except NotFound as error:
                shown = await _shown_not_found(self, error)
                if shown is not None:
                    yield shown
            finally:
                if busy:
                    self.busy = False

        return rx.event(on_the_road)

    return decorate
