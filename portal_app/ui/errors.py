"""What happens when a handler fails unexpectedly: a French message, and a log line without personal data.

Reflex's default handler logs the whole exception text (database errors carry the row's values) and
shows an English toast. Here only the exception type and where it happened are logged.
"""

import logging
import traceback

import reflex as rx
from reflex_base.event import EventSpec

log = logging.getLogger("portal_app.errors")

UNEXPECTED = (
    "Une erreur inattendue s'est produite et rien n'a été enregistré. Veuillez réessayer ; si elle persiste, "
    "contactez votre conseiller."
)


def backend_exception_handler(exception: Exception) -> EventSpec:
    frames = traceback.extract_tb(exception.__traceback__)[-6:]
    where = " <- ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}:{frame.name}" for frame in reversed(frames)
    )
    log.error("unexpected %s in %s", type(exception).__name__, where)
    return rx.window_alert(UNEXPECTED)
