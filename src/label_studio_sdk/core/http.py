"""Sending requests: the two clients every generated client sends through, and the public parts of
the policy they share.

``AsyncHttpClient`` is written in ``core/_async/http.py`` and ``SyncHttpClient`` is its generated
sync twin; what both decide (retries, waits, typed errors, the request a call becomes) is
``core/_http_base.py``, written once.
"""

from ._async.http import AsyncHttpClient
from ._http_base import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    GC_PAUSE_BYTES,
    IDEMPOTENT_METHODS,
    BaseHttpClient,
    backoff_delay,
    check_request_options,
    download_error,
    retry_after_seconds,
    should_retry_error,
    should_retry_status,
    status_error,
    transport_error,
)
from ._sync.http import SyncHttpClient

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_CONNECTIONS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "GC_PAUSE_BYTES",
    "IDEMPOTENT_METHODS",
    "AsyncHttpClient",
    "BaseHttpClient",
    "SyncHttpClient",
    "backoff_delay",
    "check_request_options",
    "download_error",
    "retry_after_seconds",
    "should_retry_error",
    "should_retry_status",
    "status_error",
    "transport_error",
]
