"""Environment shared by every test: set before any portal_app module reads it.

The tests never touch the demo database: data, outbox and the default SQLite file live in a fresh
temporary folder, removed when the run ends. Mail is written to that outbox unless a test points
the portal at its own SMTP server.
"""

import atexit
import os
import shutil
import tempfile

_DATA_DIR = tempfile.mkdtemp(prefix="portal-tests-")
atexit.register(shutil.rmtree, _DATA_DIR, ignore_errors=True)

os.environ["PORTAL_DATA_DIR"] = _DATA_DIR
os.environ["REFLEX_DB_URL"] = f"sqlite:///{os.path.join(_DATA_DIR, 'portal.db')}"
os.environ["PORTAL_ENV"] = "development"
os.environ.pop("SMTP_HOST", None)
