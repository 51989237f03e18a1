"""Error types for the whole engine.

One base class, ``RagError``, so callers can catch everything we raise on
purpose. Two kinds are kept apart because they call for different fixes:

* ``UserError``: the caller gave us something wrong (empty question, missing
  folder, bad setting). The message names the bad value and the fix.
* ``BackendError``: a part we depend on failed (store unreadable or locked,
  model file missing, LLM server down or slow).

The CLI prints ``str(error)`` on one line and exits non-zero; nothing here
should need a traceback to understand.
"""

from __future__ import annotations


class RagError(Exception):
    """Base class of every error the engine raises deliberately."""

    exit_code = 1


class UserError(RagError):
    """Bad input or configuration from the user."""

    exit_code = 2


class BackendError(RagError):
    """A backend (store, embedding model, LLM server) failed or is unavailable."""

    exit_code = 3


class StoreLockedError(BackendError):
    """Another process is writing to the embedded store."""


class NotFoundError(UserError):
    """A named thing (a collection, a stored document) does not exist."""


class TooLargeError(UserError):
    """An input is over a configured size limit (``ingest.max_file_mb``)."""
