"""rag: cited, offline question answering over a folder of documents.

    >>> from rag import ask
    >>> a = ask("How many prisoners were released in December?")
    >>> a.text, [c.source for c in a.citations]

Heavy libraries load on first use, so importing ``rag`` is cheap.
"""

from .api import Engine, ask, ask_stream, ingest
from .errors import BackendError, RagError, UserError
from .settings import Settings
from .types import Answer, Citation, IngestReport

__all__ = ["Answer", "BackendError", "Citation", "Engine", "IngestReport", "RagError", "Settings", "UserError", "ask", "ask_stream", "ingest"]
__version__ = "0.1.0"
