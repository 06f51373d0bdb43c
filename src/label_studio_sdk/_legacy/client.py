"""The 0.x ``Client``, rebuilt on :class:`label_studio_sdk.LabelStudio`.

Deprecated: new code should use ``label_studio_sdk.LabelStudio`` (``ls.projects.get(id)``,
``ls.users.list()``, ``ls.versions.get()``, ...). This class keeps 0.x scripts running with the same
method names, arguments and return shapes (dicts, lists, ``Project`` and ``User`` objects), but every
request goes through the new client: one HTTP stack (httpx), its retry policy and its typed errors
(``label_studio_sdk.core.errors``: ``NotFoundError``, ``BadRequestError``, ...). ``requests`` is not used.

Differences from 0.x, on purpose:

* Errors are our typed errors, not ``requests.HTTPError``. ``make_request`` still raises on status
  >= 400 unless ``make_request_raise=False`` / ``raise_exceptions=False``.
* Signing in with ``credentials`` (email and password, through the web login form, see
  ``_legacy.login``) raises :class:`LoginFailedError` when the server refuses the password (0.x went
  on with ``api_key=None``), and :class:`CredentialsNotSupportedError` when the server offers no such
  sign-in. ``credentials`` may be a ``ClientCredentials``, a dict or any object with those attributes.
* ``versions`` is fetched on first use instead of in ``__init__`` (0.x made a request per Client and
  per Project object).
* ``get_projects`` returns every page (0.x asked for ``page_size=10000000`` and silently got the
  server's capped page).
* ``session`` is kept as given; an ``httpx.Client`` passed as ``session`` is used to send the
  requests (proxies, TLS settings); anything else (a ``requests.Session``) is ignored.

How ``make_request`` sends: through the public low-level layer of ``self.ls``
(``LabelStudio.build_request`` and ``LabelStudio.send``: same base URL, default headers, timeout),
so retries, personal-access-token renewal and typed errors are exactly those of every generated
method. Nothing here touches the core client's private names.
"""

from __future__ import annotations

import json as jsonlib
import logging
import os
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import httpx

from ..core.errors import LabelStudioError
from ..core.files import DEFAULT_CHUNK_SIZE, to_httpx_files
from ..core.http import status_error
from ..core.options import OMIT
from ..core.serialization import dump_json, encode_path, encode_query
from .login import (
    DEFAULT_LOGIN_TIMEOUT,
    ClientCredentials,
    CredentialsNotSupportedError,
    LoginFailedError,
    login,
    read_credentials,
)

if TYPE_CHECKING:
    from ..client import LabelStudio
    from .project import Project
    from .users import User
    from .workspaces import Workspace

__all__ = [
    "Client",
    "ClientCredentials",
    "CredentialsNotSupportedError",
    "LoginFailedError",
    "Response",
]

logger: logging.Logger = logging.getLogger("label_studio_sdk")

LABEL_STUDIO_DEFAULT_URL = "http://localhost:8080"

# requests.Session.request's positional order after (method, url): 0.x forwarded *args there.
_REQUESTS_POSITIONAL = (
    "params",
    "data",
    "headers",
    "cookies",
    "files",
    "auth",
    "timeout",
    "allow_redirects",
    "proxies",
    "hooks",
    "stream",
    "verify",
    "cert",
    "json",
)
_SUPPORTED_KWARGS = frozenset(
    {"params", "data", "headers", "cookies", "files", "timeout", "allow_redirects", "stream", "json"}
)
_UNSUPPORTED_KWARGS = {
    "auth": "authentication comes from api_key",
    "proxies": "pass an httpx.Client configured with a proxy as session=",
    "hooks": "use httpx event hooks on an httpx.Client passed as session=",
    "verify": "pass an httpx.Client(verify=...) as session=",
    "cert": "pass an httpx.Client(cert=...) as session=",
}
_USER_FIELDS = frozenset(
    {"id", "first_name", "last_name", "username", "email", "avatar", "initials", "phone", "allow_newsletters"}
)


class _Flag:
    """A bool that is also callable: 0.x exposed ``client.is_enterprise`` as an attribute, and both
    ``if client.is_enterprise:`` and ``client.is_enterprise()`` are in use."""

    __slots__ = ("_value",)

    def __init__(self, value: bool) -> None:
        self._value = value

    def __bool__(self) -> bool:
        return self._value

    def __call__(self) -> bool:
        return self._value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Flag):
            return self._value == other._value
        if isinstance(other, bool):
            return self._value == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return repr(self._value)


class Response:
    """What ``make_request`` returns: the parts of ``requests.Response`` that 0.x code used.

    ``headers`` is case-insensitive. ``raise_for_status()`` raises our typed errors. With
    ``make_request(..., stream=True)`` the body is not read until ``content``, ``text``, ``json()`` or
    ``iter_content()``; close the response (or use it as a context manager) if you stop early.
    """

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def raw_response(self) -> httpx.Response:
        """The underlying ``httpx.Response``."""
        return self._response

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    @property
    def reason(self) -> str:
        return self._response.reason_phrase

    @property
    def url(self) -> str:
        try:
            return str(self._response.url)
        except RuntimeError:  # a response built without a request
            return ""

    @property
    def ok(self) -> bool:
        return self._response.status_code < 400

    def __bool__(self) -> bool:
        return self.ok

    @property
    def encoding(self) -> Optional[str]:
        return self._response.encoding

    @property
    def content(self) -> bytes:
        return self._response.read()

    @property
    def text(self) -> str:
        self._response.read()
        return self._response.text

    def json(self, **kwargs: Any) -> Any:
        """The body parsed as JSON (``json.JSONDecodeError``, a ``ValueError``, if it is not JSON)."""
        return jsonlib.loads(self.content, **kwargs)

    def raise_for_status(self) -> None:
        """Raise the typed error for a status >= 400 (``NotFoundError`` for 404, ...); no-op otherwise."""
        if self._response.status_code < 400:
            return
        self._response.read()
        request = self._response.request
        raise status_error(request.method, request.url.path, self._response)

    def iter_content(
        self, chunk_size: Optional[int] = DEFAULT_CHUNK_SIZE, decode_unicode: bool = False
    ) -> Iterator[Any]:
        """The body in chunks of ``chunk_size`` bytes (streamed when the request used ``stream=True``).

        Unlike requests (1-byte chunks by default) the default is 64 KiB; ``decode_unicode=True``
        yields text.
        """
        if decode_unicode:
            yield from self._response.iter_text(chunk_size)
        else:
            yield from self._response.iter_bytes(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        """The body line by line, as text."""
        yield from self._response.iter_lines()

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Response [{self.status_code}]>"


def _cookie_header(*jars: Optional[Mapping[str, str]]) -> Optional[str]:
    merged: Dict[str, str] = {}
    for jar in jars:
        if jar:
            merged.update({str(k): str(v) for k, v in jar.items()})
    if not merged:
        return None
    return "; ".join(f"{k}={v}" for k, v in merged.items())


def _timeout(value: Any) -> Any:
    """A requests-style timeout (seconds, ``(connect, read)`` or None) as an httpx timeout."""
    if isinstance(value, tuple):
        connect, read = value
        return httpx.Timeout(read, connect=connect)
    return value


def _form(data: Any) -> Any:
    """requests-style ``data`` (dict, list of pairs) as an httpx form dict."""
    if isinstance(data, Mapping):
        items: Sequence[Tuple[Any, Any]] = list(data.items())
    else:
        items = list(data)
    form: Dict[str, Any] = {}
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        elif isinstance(value, dict):
            value = dump_json(value).decode("utf-8")
        if key in form:
            previous = form[key]
            form[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            form[key] = value
    return form


def _query(params: Any) -> Any:
    if params is None:
        return None
    if isinstance(params, Mapping):
        return encode_query(params) or None
    if isinstance(params, (str, bytes)):
        return params
    return [(k, v) for k, v in params if v is not None]


class Client:
    """Deprecated 0.x client; use ``label_studio_sdk.LabelStudio``.

    Args:
        url: Server address, e.g. ``http://localhost:8080``. Defaults to ``LABEL_STUDIO_URL``, then
            ``http://localhost:8080``.
        api_key: A legacy token or a personal access token. Defaults to ``LABEL_STUDIO_API_KEY``.
        credentials: A ``ClientCredentials`` (or a dict, or any object with ``api_key``, ``email``,
            ``password``): its ``api_key``, or else an email and a password to sign in with (the
            server's web login form; :class:`LoginFailedError` if refused). Used when ``api_key``
            is not given.
        session: Kept as ``self.session``. An ``httpx.Client`` is used to send requests (and not
            closed by us); anything else, such as a ``requests.Session``, is not used.
        extra_headers: Headers sent with every request (``self.headers``).
        cookies: Cookies sent with every request.
        oidc_token: Sent as ``Proxy-Authorization: Bearer <token>`` for a server behind an
            authenticating proxy.
        versions: The server's ``/api/version`` answer, if you have it; else fetched on first use.
        make_request_raise: Whether ``make_request`` raises on status >= 400 (default True).
        ls: A ``LabelStudio`` to send through; ``Project`` objects made from this client share it.
            Built on first use from the arguments above when not given.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        api_key: Optional[str] = None,
        credentials: Any = None,
        session: Any = None,
        extra_headers: Optional[Dict[str, str]] = None,
        cookies: Optional[Dict[str, str]] = None,
        oidc_token: Optional[str] = None,
        versions: Optional[Dict[str, Any]] = None,
        make_request_raise: bool = True,
        *,
        ls: Optional[LabelStudio] = None,
    ) -> None:
        if not url:
            url = os.environ.get("LABEL_STUDIO_URL") or LABEL_STUDIO_DEFAULT_URL
        url = url.strip()
        if not url.startswith(("http://", "https://")):
            raise LabelStudioError(f"url must start with http:// or https://, got {url!r}")
        self.url: str = url.rstrip("/")
        self.make_request_raise = make_request_raise
        self.session: Any = session
        self.cookies: Optional[Dict[str, str]] = dict(cookies) if cookies else None

        headers: Dict[str, str] = {}
        if oidc_token:
            headers["Proxy-Authorization"] = f"Bearer {oidc_token}"
        if extra_headers:
            headers.update(extra_headers)
        self.headers: Dict[str, str] = headers  # before get_api_key: a sign-in sends them too

        key = api_key
        if not key and credentials is not None:
            key = self.get_api_key(credentials)
        if not key:
            key = os.environ.get("LABEL_STUDIO_API_KEY")
        if not key or not key.strip():
            raise LabelStudioError(
                "no API key: pass api_key=... or set LABEL_STUDIO_API_KEY "
                "(find it in Label Studio under Account & Settings)"
            )
        self.api_key: str = key.strip()

        self._versions: Optional[Dict[str, Any]] = dict(versions) if versions else None
        self._ls: Optional[LabelStudio] = ls

    # -- plumbing -------------------------------------------------------------------------------

    @property
    def ls(self) -> LabelStudio:
        """The new typed client every request goes through (built on first use)."""
        ls = self.__dict__.get("_ls")
        if ls is None:
            from ..client import LabelStudio

            default_headers = dict(self.headers)
            cookie = _cookie_header(self.__dict__.get("cookies"))
            if cookie:
                default_headers["Cookie"] = cookie
            session = self.__dict__.get("session")
            ls = LabelStudio(
                base_url=self.url,
                api_key=self.api_key,
                headers=default_headers,
                httpx_client=session if isinstance(session, httpx.Client) else None,
            )
            self._ls = ls
        return ls

    @ls.setter
    def ls(self, value: LabelStudio) -> None:
        self._ls = value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(url={self.url!r})"

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state["_ls"] = None  # connection pools do not pickle; rebuilt on first use
        if not isinstance(state.get("session"), (type(None), str, int)):
            state["session"] = None
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)

    def close(self) -> None:
        """Close the connection pool (not an ``httpx.Client`` passed as ``session``)."""
        ls = self.__dict__.get("_ls")
        if ls is not None:
            ls.close()

    def get_session(self) -> httpx.Client:
        """The ``httpx.Client`` requests are sent with (0.x returned a new ``requests.Session``)."""
        return self.ls.httpx_client

    def get_url(self, suffix: str) -> str:
        """The absolute URL of a server path."""
        return f"{self.url}/{suffix.lstrip('/')}"

    def get_default_headers(self) -> Dict[str, str]:
        """The headers every request carries, including the current ``Authorization``."""
        return self.ls.auth_headers()

    def get_api_key(self, credentials: Any) -> str:
        """The API key of ``credentials``: its ``api_key``, or the token the server hands out after
        signing in with its ``email`` and ``password`` (``GET /user/login/``, ``POST /user/login/``,
        ``GET /api/current-user/token``; see ``label_studio_sdk._legacy.login``).

        Raises :class:`LoginFailedError` when the server refuses the email or password, and
        :class:`CredentialsNotSupportedError` when the credentials carry neither a key nor an email
        and a password, or the server offers no password sign-in or no legacy token.
        """
        api_key, email, password = read_credentials(credentials)
        if api_key:
            return api_key
        if email is None or password is None:  # pragma: no cover - read_credentials returns both
            raise CredentialsNotSupportedError(
                "credentials must carry an api_key, or an email and a password"
            )
        headers = dict(self.__dict__.get("headers") or {})
        return login(self.url, email, password, headers=headers, timeout=DEFAULT_LOGIN_TIMEOUT)

    def _resolve(self, url: str) -> str:
        if url.startswith(("http://", "https://")):
            if url == self.url or url.startswith(self.url + "/"):
                return url
            raise ValueError(
                f"make_request only sends to {self.url} (the API key must not go to another host): {url!r}"
            )
        return self.get_url(url)

    def make_request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        """Send a request to a server path (``/api/...``) and return the :class:`Response`.

        Arguments follow 0.x (``requests.Session.request``): the third positional argument is
        ``params``; then ``data``, ``headers``, ``cookies``, ``files``; keywords ``params``, ``json``,
        ``data`` (dict or raw str/bytes), ``files``, ``headers`` (merged over the client's),
        ``cookies``, ``timeout`` (seconds or ``(connect, read)``; default: the client's),
        ``stream``, ``raise_exceptions``. ``auth``, ``proxies``, ``verify``, ``cert`` and ``hooks``
        are not supported (configure an ``httpx.Client`` and pass it as ``session``).

        Retries, token renewal and errors are those of ``LabelStudio``. On status >= 400 it raises
        the typed error (``NotFoundError``, ...) unless ``raise_exceptions=False`` or the client was
        built with ``make_request_raise=False``; then the error response is returned.
        """
        raise_exceptions = kwargs.pop("raise_exceptions", None)
        if raise_exceptions is None:
            raise_exceptions = self.make_request_raise
        if len(args) > len(_REQUESTS_POSITIONAL):
            raise TypeError("make_request() got too many positional arguments")
        for name, value in zip(_REQUESTS_POSITIONAL, args):
            if name in kwargs:
                raise TypeError(f"make_request() got multiple values for argument {name!r}")
            kwargs[name] = value
        for name, value in kwargs.items():
            if name in _UNSUPPORTED_KWARGS:
                if value is not None:
                    raise TypeError(f"make_request() does not support {name}=: {_UNSUPPORTED_KWARGS[name]}")
            elif name not in _SUPPORTED_KWARGS:
                raise TypeError(f"make_request() got an unexpected keyword argument {name!r}")

        method = method.upper()
        headers = httpx.Headers()
        if kwargs.get("headers"):
            headers.update({str(k): str(v) for k, v in kwargs["headers"].items() if v is not None})
        call_cookies = kwargs.get("cookies")
        if call_cookies:
            cookie = _cookie_header(self.cookies, call_cookies)
            if cookie:
                headers["Cookie"] = cookie

        content: Optional[bytes] = None
        form: Any = None
        files: Any = None
        opened: List[IO[bytes]] = []
        json_body = kwargs.get("json")
        data = kwargs.get("data")
        if kwargs.get("files"):
            files = to_httpx_files(kwargs["files"], opened)
            if data is not None:
                form = _form(data)
        elif json_body is not None:
            content = dump_json(json_body)
            headers["Content-Type"] = "application/json"
        elif isinstance(data, (str, bytes)):
            content = data.encode("utf-8") if isinstance(data, str) else data
        elif data is not None:
            form = _form(data)

        timeout = _timeout(kwargs["timeout"]) if "timeout" in kwargs else OMIT
        allow_redirects = kwargs.get("allow_redirects")
        if allow_redirects is not None and bool(allow_redirects) != self.ls.follow_redirects:
            raise TypeError(
                "make_request() cannot change allow_redirects per call; build LabelStudio instead"
            )
        stream = bool(kwargs.get("stream"))

        try:
            request = self.ls.build_request(
                method,
                self._resolve(url),
                params=_query(kwargs.get("params")),
                content=content,
                data=form,
                files=files,
                headers=headers,
                timeout=timeout,
            )
        except BaseException:
            for handle in opened:
                handle.close()
            raise
        logger.debug("legacy make_request %s %s", method, request.url.path)
        try:
            return Response(self.ls.send(request, stream=stream, raise_on_status=raise_exceptions))
        finally:
            for handle in opened:
                handle.close()

    def log_response_error(self, response: Response) -> None:
        """Log a failed response at error level (status and URL only; bodies may hold personal data)."""
        logger.error("request to %s failed with status %s", response.url, response.status_code)

    # -- server --------------------------------------------------------------------------------

    def check_connection(self) -> Dict[str, Any]:
        """``GET /health``: ``{"status": "UP"}`` when the server answers.

        Raises like any request (as 0.x did): ``ApiConnectionError`` when the server cannot be
        reached (after the retries), a typed ``ApiError`` for an error status.
        """
        body = self.make_request("GET", "/health").json()
        return body if isinstance(body, dict) else {"status": body}

    def get_versions(self) -> Dict[str, Any]:
        """``GET /api/version``: the server's component versions (also kept as ``self.versions``)."""
        versions = self.ls.versions.get().model_dump(mode="json", by_alias=True, exclude_unset=True)
        self._versions = versions
        return versions

    @property
    def versions(self) -> Dict[str, Any]:
        """The server's ``/api/version`` answer, fetched once on first use."""
        versions = self.__dict__.get("_versions")
        if versions is None:
            versions = self.get_versions()
        return versions

    @versions.setter
    def versions(self, value: Optional[Dict[str, Any]]) -> None:
        self._versions = value

    @property
    def is_enterprise(self) -> _Flag:
        """Whether the server is Label Studio Enterprise: usable as ``client.is_enterprise`` (as in
        0.x) and ``client.is_enterprise()``."""
        versions = self.versions
        edition = str(versions.get("edition") or "").lower()
        return _Flag("label-studio-enterprise-backend" in versions or edition == "enterprise")

    def get_organization(self) -> Dict[str, Any]:
        """The caller's active organization (``GET /api/organizations/{id}``)."""
        me = self.ls.users.whoami()
        if me.active_organization is None:
            raise LabelStudioError("the current user has no active organization")
        path = f"/api/organizations/{encode_path(me.active_organization)}"
        body: Dict[str, Any] = self.make_request("GET", path).json()
        return body

    def sync_storage(self, storage_type: str, storage_id: int) -> Dict[str, Any]:
        """``POST /api/storages/{storage_type}/{storage_id}/sync``: sync an import storage now.

        ``storage_type`` is ``s3``, ``gcs``, ``azure``, ``redis``, ``localfiles``, ... (``export/s3``
        and the like sync an export storage). Returns the storage as a dict.
        """
        segments = [encode_path(part) for part in str(storage_type).strip("/").split("/")]
        if not segments or not all(segments):
            raise ValueError(f"invalid storage_type {storage_type!r}")
        path = f"/api/storages/{'/'.join(segments)}/{encode_path(storage_id)}/sync"
        body: Dict[str, Any] = self.make_request("POST", path).json()
        return body

    # -- projects ------------------------------------------------------------------------------

    def get_project(self, id: int) -> Project:
        """The project with this id (one ``GET /api/projects/{id}``)."""
        from .project import Project

        return Project.get_from_id(self, id)

    def start_project(self, **kwargs: Any) -> Project:
        """Create a project (``Project.start_project(**kwargs)``) and return it."""
        from .project import Project

        project = Project(
            url=self.url,
            api_key=self.api_key,
            session=self.session,
            extra_headers=self.headers,
            cookies=self.cookies,
            versions=self.__dict__.get("_versions"),
            make_request_raise=self.make_request_raise,
            ls=self.ls,
        )
        project.start_project(**kwargs)
        return project

    def create_project(self, **kwargs: Any) -> Project:
        """Same as :meth:`start_project`."""
        return self.start_project(**kwargs)

    def list_projects(self, **query_params: Any) -> List[Project]:
        """Every project visible to the caller, as ``Project`` objects with their params filled in.

        ``query_params`` go to ``GET /api/projects`` (``title``, ``ids``, ``ordering``,
        ``workspaces``, ...). All pages are fetched (``page_size`` only sets the batch size), except
        when ``page`` is given: then only that page is returned.
        """
        from .project import Project

        typed_names = ("ordering", "ids", "title", "page", "page_size", "workspaces")
        typed: Dict[str, Any] = {}
        extra: Dict[str, Any] = {}
        for name, value in query_params.items():
            if name == "ids" and isinstance(value, (list, tuple, set)):
                value = ",".join(str(item) for item in value)
            (typed if name in typed_names else extra)[name] = value
        if "page_size" not in typed:
            typed["page_size"] = 100
        options: Any = {"additional_query_parameters": extra} if extra else None
        pager = self.ls.projects.list(**typed, request_options=options)
        models = pager.items if "page" in typed else list(pager)
        projects: List[Project] = []
        for model in models:
            data = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
            projects.append(Project._create_from_id(self, data["id"], params=data))
        return projects

    def get_projects(self, **query_params: Any) -> List[Project]:
        """Same as :meth:`list_projects`."""
        return self.list_projects(**query_params)

    def delete_project(self, project_id: int) -> Response:
        """``DELETE /api/projects/{project_id}/``; returns the response (status 204), as 0.x did."""
        return self.make_request("DELETE", f"/api/projects/{encode_path(project_id)}/")

    def delete_all_projects(self) -> List[Response]:
        """Delete every project visible to the caller; returns the responses."""
        ids = [model.id for model in self.ls.projects.list(page_size=100)]
        return [self.delete_project(project_id) for project_id in ids]

    # -- users and workspaces --------------------------------------------------------------------

    def get_users(self) -> List[User]:
        """The users of the organization."""
        from .users import User

        return [User.from_model(model, self) for model in self.ls.users.list()]

    def get_user(self, user_id: int) -> User:
        """One user by id."""
        from .users import User

        return User.from_model(self.ls.users.get(user_id), self)

    def get_current_user(self) -> User:
        """The user the API key belongs to."""
        from .users import User

        return User.from_model(self.ls.users.whoami(), self)

    def create_user(self, user: Union[Dict[str, Any], User], exist_ok: bool = True) -> Optional[User]:
        """Create a user from a ``User`` or a dict (``email`` required; ``username`` defaults to it).

        When the user exists already: with ``exist_ok`` (default) the existing user is returned
        (0.x returned None), else the server's ``BadRequestError`` is raised (0.x logged it and
        returned None, for any error).
        """
        from ..core.errors import BadRequestError
        from .users import User

        if isinstance(user, User):
            payload: Dict[str, Any] = {
                "username": user.username or user.email,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "phone": user.phone,
            }
        else:
            payload = dict(user)
            if not payload.get("username") and payload.get("email"):
                payload["username"] = payload["email"]
        payload = {k: v for k, v in payload.items() if v is not None and k != "client"}
        typed = {k: v for k, v in payload.items() if k in _USER_FIELDS}
        extra = {k: v for k, v in payload.items() if k not in _USER_FIELDS}
        options: Any = {"additional_body_parameters": extra} if extra else None
        try:
            created = self.ls.users.create(**typed, request_options=options)
        except BadRequestError as exc:
            if not exist_ok or "already exists" not in str(exc.body):
                raise
            email = str(payload.get("email") or "").lower()
            username = payload.get("username")
            for existing in self.get_users():
                if (email and (existing.email or "").lower() == email) or (
                    username and existing.username == username
                ):
                    return existing
            return None
        return User.from_model(created, self)

    def get_workspaces(self) -> List[Workspace]:
        """Workspaces of the organization (Enterprise only).

        On an open-source server the endpoint does not exist and ``NotFoundError`` is raised (0.x
        asserted ``is_enterprise`` first, an assert that ``python -O`` removes).
        """
        from .workspaces import Workspace

        return [
            Workspace(**{**model.model_dump(mode="json", by_alias=True, exclude_unset=True), "client": self})
            for model in self.ls.workspaces.list()
        ]

    def get_workspace_by_title(self, title: str) -> Optional[Workspace]:
        """The first workspace with this title, or None."""
        for workspace in self.get_workspaces():
            if workspace.title == title:
                return workspace
        return None
