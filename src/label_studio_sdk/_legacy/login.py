"""Signing in with an email and a password, as the 0.x ``Client(credentials=...)`` did.

Label Studio (open source, checked on 1.23.2) has no JSON login endpoint: the web login form at
``/user/login/`` opens a session, and ``GET /api/current-user/token`` then hands that session's user
their legacy API token. The steps here, on a short-lived ``httpx.Client`` of their own (its cookies
never reach the API client):

1. ``GET /user/login/``: the form, and the ``csrftoken`` cookie Django asks the form post to echo;
2. ``POST /user/login/`` with ``email``, ``password`` and ``csrfmiddlewaretoken``: a redirect (302)
   means signed in; the form again (200) means the email or password was refused;
3. ``GET /api/current-user/token``: ``{"token": "..."}``.

Unlike 0.x, a refused password raises :class:`LoginFailedError` (0.x carried on with ``api_key=None``,
so the first API call failed with an unrelated 401), and a server without this form or without legacy
tokens raises :class:`CredentialsNotSupportedError`. The password never appears in a message or a log.
"""

from __future__ import annotations

import logging
from typing import Any, Mapping, Optional, Tuple

import httpx

from ..core.errors import LabelStudioError
from ..core.http import transport_error

logger: logging.Logger = logging.getLogger("label_studio_sdk")

LOGIN_PATH = "/user/login/"
TOKEN_PATH = "/api/current-user/token"
DEFAULT_LOGIN_TIMEOUT = 60.0


class CredentialsNotSupportedError(LabelStudioError, ValueError):
    """The credentials cannot be used: they carry neither an API key nor an email and a password, or
    the server offers no email/password sign-in (no login form, or no legacy API tokens to hand out).

    Use an API key instead (Label Studio: Account & Settings), passed as ``api_key=`` or in
    ``LABEL_STUDIO_API_KEY``.
    """


class LoginFailedError(LabelStudioError, ValueError):
    """The server refused the email and password (or the sign-in could not be completed)."""


class ClientCredentials:
    """The 0.x ``ClientCredentials``: an API key, or an email and a password to sign in with.

    As in 0.x, at least one of ``email`` and ``api_key`` is required, and an ``email`` needs its
    ``password``; otherwise ``ValueError`` is raised. The password is not shown by ``repr``.
    """

    __slots__ = ("api_key", "email", "password")

    def __init__(
        self, *, email: Optional[str] = None, password: Optional[str] = None, api_key: Optional[str] = None
    ) -> None:
        if not email and not api_key:
            raise ValueError("ClientCredentials needs an api_key, or an email and a password")
        if email and not api_key and not password:
            raise ValueError("ClientCredentials: provide both email and password to sign in")
        self.email = email
        self.password = password
        self.api_key = api_key

    def __repr__(self) -> str:
        shown = "'***'" if self.password else "None"
        key = "'***'" if self.api_key else "None"
        return f"ClientCredentials(email={self.email!r}, password={shown}, api_key={key})"


def read_credentials(credentials: Any) -> Tuple[Optional[str], Optional[str], Optional[str]]:
    """``(api_key, email, password)`` from a ``ClientCredentials``, a dict or any object with those
    attributes; ``CredentialsNotSupportedError`` when it has neither a key nor an email."""
    if isinstance(credentials, Mapping):
        api_key, email, password = (credentials.get(k) for k in ("api_key", "email", "password"))
    else:
        api_key, email, password = (getattr(credentials, k, None) for k in ("api_key", "email", "password"))
    if api_key:
        return str(api_key), None, None
    if email:
        if not password:
            raise CredentialsNotSupportedError("credentials: an email needs its password to sign in")
        return None, str(email), str(password)
    raise CredentialsNotSupportedError("credentials must carry an api_key, or an email and a password")


def login(
    url: str,
    email: str,
    password: str,
    *,
    headers: Optional[Mapping[str, str]] = None,
    timeout: Optional[float] = DEFAULT_LOGIN_TIMEOUT,
) -> str:
    """Sign in at ``url`` with the web login form and return the user's API token (see the module)."""
    base = url.rstrip("/")
    with httpx.Client(
        base_url=base, headers=dict(headers or {}), timeout=timeout, follow_redirects=False
    ) as http:
        form = _send(http, "GET", LOGIN_PATH)
        if form.status_code == 404:
            raise CredentialsNotSupportedError(
                f"{base} offers no email/password sign-in ({LOGIN_PATH} answered 404): use an API key"
            )
        if form.status_code >= 400:
            raise LoginFailedError(f"GET {LOGIN_PATH} answered {form.status_code}: cannot sign in")
        csrf = http.cookies.get("csrftoken")
        if not csrf:
            raise CredentialsNotSupportedError(
                f"{base}{LOGIN_PATH} is not a Label Studio login form (no CSRF cookie): use an API key"
            )
        answer = _send(
            http,
            "POST",
            LOGIN_PATH,
            data={"email": email, "password": password, "csrfmiddlewaretoken": csrf},
            headers={"X-CSRFToken": csrf, "Referer": f"{base}{LOGIN_PATH}"},
        )
        if answer.status_code == 200:
            raise LoginFailedError(f"signing in to {base} as {email!r} failed: wrong email or password")
        if not answer.is_redirect:
            raise LoginFailedError(
                f"signing in to {base} as {email!r} failed: POST {LOGIN_PATH} answered {answer.status_code}"
            )
        token = _send(http, "GET", TOKEN_PATH)
        if token.status_code != 200:
            raise CredentialsNotSupportedError(
                f"signed in to {base} as {email!r}, but GET {TOKEN_PATH} answered {token.status_code}: "
                "the server hands out no legacy API token (use a personal access token as api_key)"
            )
        try:
            key = token.json().get("token")
        except (ValueError, AttributeError):
            key = None
        if not isinstance(key, str) or not key:
            raise CredentialsNotSupportedError(f"GET {TOKEN_PATH} returned no token: use an API key")
    logger.debug("signed in to %s as %s with a password", base, email)
    return key


def _send(http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    try:
        response = http.request(method, path, **kwargs)
        response.read()
    except httpx.TransportError as exc:
        raise transport_error(method, path, exc) from exc
    return response
