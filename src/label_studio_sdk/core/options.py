"""Per-call options, and the OMIT sentinel that marks an argument the caller did not pass.

An argument typed ``Union[X, Omit]`` and left out is never sent. ``None`` is accepted only where
it means something: a body field the server takes as null (``Union[X, None, Omit]``) is sent as
JSON null. Query and path arguments have no null; a ``None`` passed to a query argument anyway
is left out, as earlier releases did.
"""

from __future__ import annotations

from typing import Any, Dict, Final, TypedDict


class RequestOptions(TypedDict, total=False):
    """Settings for one call, passed as ``request_options=`` to any method."""

    timeout: float
    """Seconds the whole request may take; overrides the client's ``timeout``."""
    max_retries: int
    """Retries for this call; overrides the client's ``max_retries``."""
    additional_headers: Dict[str, str]
    """Extra HTTP headers; an ``Authorization`` here replaces the client's own."""
    additional_query_parameters: Dict[str, Any]
    """Extra query parameters, added after the method's own."""
    additional_body_parameters: Dict[str, Any]
    """Extra JSON body fields, merged into an object body."""
    chunk_size: int
    """Bytes per chunk when a method streams a download (default 64 KiB)."""


class Omit:
    """Type of OMIT, "not given". Falsy, a singleton, and survives copy and pickle."""

    __slots__ = ()
    _instance: Omit | None = None

    def __new__(cls) -> Omit:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "OMIT"

    def __reduce__(self) -> str:
        return "OMIT"


OMIT: Final[Omit] = Omit()
"""The default of every argument that can be left out: ``title: Union[str, Omit] = OMIT``."""
