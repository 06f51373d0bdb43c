"""Local paths for the media a Label Studio task points to: uploads, Local Storage, cloud storage and plain URLs.

``get_local_path`` returns a file on disk when it can find one, otherwise it downloads the file into a cache
folder as ``<md5(source)[:8]>__<basename>``. Downloads are streamed to a temporary file and renamed into place,
so a failure leaves nothing behind. The API key is sent only to the Label Studio host it was given (same
scheme, host and port), and a personal access token is exchanged for a short-lived access token first.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import contextvars
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from typing import (
    IO,
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Set,
    Tuple,
    Union,
)
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

from label_studio_sdk._version import __version__
from label_studio_sdk.core.errors import LabelStudioError

from .params import get_bool_env, get_env

if TYPE_CHECKING:
    import httpx

logger: logging.Logger = logging.getLogger(__name__)

_DIR_APP_NAME = "label-studio"
# Browser-style, because some image hosts refuse clients that do not look like one.
_USER_AGENT = f"Mozilla/5.0 (compatible; label-studio-sdk-python/{__version__})"
_DEFAULT_TIMEOUT_SECONDS = 60.0
_CHUNK_SIZE = 64 * 1024
_MAX_REDIRECTS = 10
_MAX_NAME_BYTES = 200
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CLOUD_PREFIXES = ("s3:", "gs:", "azure-blob:")
_UPLOAD_PREFIX = "/data/upload/"
_PROXY_PREFIX = "/storage-data/uploaded/"
_SERVER_MARKERS = ("/data/upload/", "/data/local-files", "/storage-data/uploaded")
_REFRESH_PATH = "api/token/refresh/"
_RENEW_MARGIN_SECONDS = 30.0
_WINDOWS_RESERVED = frozenset('<>:"|?*')

ResolverFn = Callable[[str], Optional[str]]


# -- errors ---------------------------------------------------------------------------------------


class MediaUrlError(LabelStudioError, ValueError):
    """A URL or hostname that cannot be used as given; the message says what to change."""


class MediaNotFoundError(LabelStudioError, FileNotFoundError):
    """The file behind a URL cannot be located: no hostname, no API key, or a Local Storage file that is missing."""


class UnsafePathError(LabelStudioError, ValueError):
    """A path taken from a URL would land outside the folder it has to stay in."""


class DownloadError(LabelStudioError, OSError):
    """Fetching a file failed; ``status_code`` is the HTTP status when the server answered."""

    def __init__(self, message: str, *, url: str, status_code: Optional[int] = None) -> None:
        super().__init__(message)
        self.url = url
        self.status_code = status_code

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class TokenExchangeError(DownloadError):
    """The personal access token could not be exchanged for an access token."""


# -- installed resolvers and sessions -------------------------------------------------------------

_local_files_resolver: contextvars.ContextVar[Optional[ResolverFn]] = contextvars.ContextVar(
    "label_studio_local_files_resolver", default=None
)
_http_session: contextvars.ContextVar[Optional[Any]] = contextvars.ContextVar(
    "label_studio_http_session", default=None
)


@contextlib.contextmanager
def local_files_resolver(resolver: Optional[ResolverFn]) -> Iterator[None]:
    """Within the block, Local Storage paths (``?d=...``) are turned into files by ``resolver`` (None: not available)."""
    token = _local_files_resolver.set(resolver)
    try:
        yield
    finally:
        _local_files_resolver.reset(token)


@contextlib.contextmanager
def http_session(session: Optional[Any]) -> Iterator[None]:
    """Within the block, downloads go through ``session`` (a ``requests.Session``-like object) instead of httpx."""
    token = _http_session.set(session)
    try:
        yield
    finally:
        _http_session.reset(token)


# -- folders ----------------------------------------------------------------------------------------


def _xdg_dir(variable: str, fallback: str) -> str:
    value = os.environ.get(variable, "").strip()
    return value if value else os.path.expanduser(fallback)


def _windows_local_appdata() -> str:
    return os.environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")


def _user_data_dir(platform: str = sys.platform) -> str:
    """Where Label Studio keeps its data on this platform (the same folders appdirs chose)."""
    if platform == "win32":
        return os.path.join(_windows_local_appdata(), _DIR_APP_NAME, _DIR_APP_NAME)
    if platform == "darwin":
        return os.path.join(os.path.expanduser("~/Library/Application Support"), _DIR_APP_NAME)
    return os.path.join(_xdg_dir("XDG_DATA_HOME", "~/.local/share"), _DIR_APP_NAME)


def _user_cache_dir(platform: str = sys.platform) -> str:
    """Where downloaded media are cached on this platform (the same folders appdirs chose)."""
    if platform == "win32":
        return os.path.join(_windows_local_appdata(), _DIR_APP_NAME, _DIR_APP_NAME, "Cache")
    if platform == "darwin":
        return os.path.join(os.path.expanduser("~/Library/Caches"), _DIR_APP_NAME)
    return os.path.join(_xdg_dir("XDG_CACHE_HOME", "~/.cache"), _DIR_APP_NAME)


def get_data_dir() -> str:
    """The Label Studio data folder of this user, created if needed."""
    path = _user_data_dir()
    os.makedirs(path, exist_ok=True)
    return path


def get_cache_dir() -> str:
    """The Label Studio cache folder of this user, created if needed."""
    path = _user_cache_dir()
    os.makedirs(path, exist_ok=True)
    return path


@contextlib.contextmanager
def get_temp_dir() -> Iterator[str]:
    """A fresh temporary folder, removed when the block ends, also when it raises."""
    path = tempfile.mkdtemp()
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def get_all_files_from_dir(d: str) -> List[str]:
    """The paths of the regular files directly inside ``d`` (not in sub-folders), sorted."""
    return sorted(os.path.join(d, name) for name in os.listdir(d) if os.path.isfile(os.path.join(d, name)))


# -- URLs and paths ---------------------------------------------------------------------------------


def concat_urls(base_url: str, url: str) -> str:
    """Join a base URL and a path with exactly one slash between them."""
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def encode_presign_fileuri(cloud_uri: str) -> str:
    """The cloud URI in the URL-safe base64 form the ``/tasks/<id>/presign/`` endpoint expects."""
    return base64.urlsafe_b64encode(cloud_uri.encode()).decode()


def is_cloud_storage_uri(url: str) -> bool:
    """Whether ``url`` names an object in S3, Google Cloud Storage or Azure Blob Storage."""
    return url.startswith(_CLOUD_PREFIXES)


def safe_build_path(base_dir: str, user_path: str) -> str:
    """``user_path`` joined under ``base_dir``; raises ValueError when the result would leave ``base_dir``."""
    base = os.path.abspath(base_dir)
    if "\x00" in user_path:
        raise UnsafePathError(f"Invalid path: {user_path!r}")
    candidate = os.path.normpath(os.path.join(base, user_path))
    try:
        inside = os.path.commonpath([base, candidate]) == base
    except ValueError:  # different drives on Windows
        inside = False
    if not inside:
        raise UnsafePathError(f"Invalid path: {user_path}")
    return candidate


def _local_files_root() -> Optional[str]:
    """LOCAL_FILES_DOCUMENT_ROOT as an absolute path, or None when unset or the filesystem root."""
    value = get_env("LOCAL_FILES_DOCUMENT_ROOT")
    if not value:
        return None
    root = os.path.abspath(value)
    return None if root == os.path.abspath(os.sep) else root


def resolve_local_storage_file(url: str) -> Optional[str]:
    """The local path a Local Storage URL (``/data/local-files/?d=...``) stands for, or None when unknown here.

    An installed ``local_files_resolver`` decides first; otherwise LOCAL_FILES_DOCUMENT_ROOT is used when set.
    """
    values = parse_qs(urlsplit(url).query, keep_blank_values=True).get("d")
    if not values:
        raise MediaNotFoundError(f"Local Storage URL has no file path (?d=...): {url}")
    relative = values[-1]
    resolver = _local_files_resolver.get()
    if resolver is not None:
        path = resolver(relative)
        if path is None:
            raise MediaNotFoundError(f"Local Storage file is not available: {relative}")
        return path
    root = _local_files_root()
    if root is None:
        return None
    return safe_build_path(root, relative.lstrip("/\\" if os.name == "nt" else "/"))


def _is_local_storage_url(url: str) -> bool:
    return url.startswith("/data/") and "?d=" in url


def _is_proxy_url(url: str) -> bool:
    return url.startswith(_PROXY_PREFIX.rstrip("/")) and _query_value(url, "filepath") is not None


def _query_value(url: str, name: str) -> Optional[str]:
    values = parse_qs(urlsplit(url).query, keep_blank_values=True).get(name)
    return values[-1] if values else None


def _normalise_url(url: str, hostname: Optional[str]) -> Tuple[str, Optional[str]]:
    """Rewrite the short upload forms and strip a sub-path install prefix (moving it onto the hostname)."""
    for short in ("upload/", "/upload/", "data/upload/"):
        if url.startswith(short):
            return _UPLOAD_PREFIX + url[len(short) :], hostname
    if not url.startswith("/") or url.startswith(("/data/", _PROXY_PREFIX.rstrip("/"))):
        return url, hostname
    path = url.split("?", 1)[0]
    for marker in _SERVER_MARKERS:
        index = path.find(marker)
        if index > 0:
            prefix = url[:index]
            return url[index:], _with_sub_path(hostname, prefix) if hostname else hostname
    return url, hostname


def _with_sub_path(hostname: str, prefix: str) -> str:
    # A server under http://host/label-studio/ hands out /label-studio/data/upload/...: keep the prefix once.
    if urlsplit(hostname).path.rstrip("/").endswith(prefix.rstrip("/")):
        return hostname
    return concat_urls(hostname, prefix)


def _safe_filename(name: str, windows: bool = os.name == "nt") -> str:
    """A single harmless file name made from the last path component of ``name``."""
    name = re.split(r"[/\\]", name.replace("\x00", ""))[-1]
    name = "".join(
        "_" if ord(char) < 32 or char == "\x7f" or (windows and char in _WINDOWS_RESERVED) else char
        for char in name
    )
    if windows:
        name = name.rstrip(". ")
    if name and set(name) == {"."}:
        name = "_" * len(name)
    return _truncate_utf8(name, _MAX_NAME_BYTES)


def _truncate_utf8(name: str, limit: int) -> str:
    if len(name.encode("utf-8", "replace")) <= limit:
        return name
    stem, extension = os.path.splitext(name)
    if len(extension.encode("utf-8", "replace")) > 32:
        stem, extension = name, ""
    budget = limit - len(extension.encode("utf-8", "replace"))
    return stem.encode("utf-8", "replace")[:budget].decode("utf-8", "ignore") + extension


def _ensure_inside(directory: str, path: str) -> str:
    if os.path.dirname(os.path.abspath(path)) != os.path.abspath(directory):
        raise UnsafePathError(f"Invalid path: {path} is not directly inside {directory}")
    return path


def _build_cache_path(cache_dir: str, target_url: str, filename: str) -> str:
    """``<cache_dir>/<md5(target_url)[:8]>__<filename>``, with ``filename`` made safe."""
    digest = hashlib.md5(target_url.encode(), usedforsecurity=False).hexdigest()[:8]
    return _ensure_inside(cache_dir, os.path.join(cache_dir, f"{digest}__{_safe_filename(filename)}"))


# -- origins and headers ----------------------------------------------------------------------------


def _origin(url: str) -> Optional[Tuple[str, str, int]]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def _same_origin(url: str, hostname: Optional[str]) -> bool:
    if not hostname:
        return False
    origin = _origin(url)
    return origin is not None and origin == _origin(hostname)


def _display_url(url: str, hostname: Optional[str]) -> str:
    """The URL for messages: no user info, and no query (presigned signatures) when it is not Label Studio's."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if _same_origin(url, hostname) or not parts.scheme:
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _jwt_part(segment: str) -> Optional[bytes]:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", segment):
        return None
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None


def _jwt_payload(token: str) -> Optional[Dict[str, Any]]:
    """The unverified claims of a well-formed JWT, else None; signatures are the server's business."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    decoded = [_jwt_part(part) for part in parts]
    if any(part is None for part in decoded):
        return None
    try:
        header = json.loads(decoded[0] or b"")
    except ValueError:
        return None
    if not isinstance(header, dict):
        return None
    try:
        claims = json.loads(decoded[1] or b"{}")
    except ValueError:
        claims = {}
    return claims if isinstance(claims, dict) else {}


def is_jwt_well_formed(token: str) -> bool:
    """Whether ``token`` is shaped like a JWT: three base64url parts, the first a JSON object."""
    return _jwt_payload(token) is not None


def _build_headers(target_url: str, hostname: Optional[str], access_token: Optional[str]) -> Dict[str, str]:
    """Request headers for ``target_url``; Authorization only when it is on the Label Studio host itself."""
    headers = {"User-Agent": _USER_AGENT}
    if access_token and _same_origin(target_url, hostname):
        assert hostname is not None  # _same_origin is False without one
        headers["Authorization"] = _authorization(hostname, access_token)
    return headers


def _authorization(hostname: str, token: str) -> str:
    claims = _jwt_payload(token)
    if claims is None:
        return "Token " + token
    if claims.get("token_type") == "refresh":
        return "Bearer " + _exchanged_access_token(hostname, token)
    return "Bearer " + token


# -- personal access tokens -------------------------------------------------------------------------

_access_tokens: Dict[Tuple[str, str], Tuple[str, float]] = {}
_access_tokens_lock = threading.Lock()
_clock: Callable[[], float] = time.time


def _exchanged_access_token(hostname: str, refresh_token: str) -> str:
    """An access token for a personal access token, reused until shortly before it expires."""
    key = (hostname.rstrip("/"), hashlib.sha256(refresh_token.encode()).hexdigest())
    with _access_tokens_lock:  # one exchange at a time, so threads share its result
        cached = _access_tokens.get(key)
        if cached is not None and _clock() < cached[1]:
            return cached[0]
        access = _request_access_token(hostname, refresh_token)
        _access_tokens[key] = (access, _renew_time(access))
        return access


def _renew_time(access: str) -> float:
    expires = (_jwt_payload(access) or {}).get("exp")
    if not isinstance(expires, (int, float)) or isinstance(expires, bool):
        return float("inf")
    lifetime = max(float(expires) - _clock(), 0.0)
    return float(expires) - min(_RENEW_MARGIN_SECONDS, lifetime * 0.1)


def _request_access_token(hostname: str, refresh_token: str) -> str:
    url = concat_urls(hostname, _REFRESH_PATH)
    session = _http_session.get()
    timeout = _download_timeout()
    headers = {"User-Agent": _USER_AGENT}
    with _transport_errors(
        url, hostname, timeout, "exchanging the personal access token at", TokenExchangeError
    ):
        if session is not None and hasattr(session, "post"):
            response: Any = session.post(
                url, json={"refresh": refresh_token}, headers=headers, timeout=timeout, verify=_verify_ssl()
            )
        else:
            import httpx

            response = httpx.post(
                url, json={"refresh": refresh_token}, headers=headers, timeout=timeout, verify=_verify_ssl()
            )
    status = int(response.status_code)
    if status != 200:
        raise TokenExchangeError(
            f"exchanging the personal access token at {url} failed with HTTP {status}; the token may be "
            "expired or revoked, or personal access tokens may be disabled on this server",
            url=url,
            status_code=status,
        )
    try:
        access = response.json()["access"]
    except (ValueError, KeyError, TypeError):
        access = None
    if not isinstance(access, str) or not access:
        raise TokenExchangeError(f"{url} answered without an access token", url=url, status_code=status)
    return access


# -- settings -----------------------------------------------------------------------------------------


def _verify_ssl() -> bool:
    return bool(get_bool_env("VERIFY_SSL", True))


def _download_timeout() -> float:
    raw = get_env("DOWNLOAD_TIMEOUT")
    if raw is None:
        return _DEFAULT_TIMEOUT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        logger.warning("LABEL_STUDIO_DOWNLOAD_TIMEOUT=%r is not a positive number of seconds; using 60", raw)
        return _DEFAULT_TIMEOUT_SECONDS
    return seconds


_warned_localhost: Set[str] = set()


def _label_studio_url(hostname: Optional[str]) -> Optional[str]:
    """The Label Studio base URL: the argument, LABEL_STUDIO_URL or LABEL_STUDIO_HOST, checked for a scheme."""
    value = (
        hostname or os.environ.get("LABEL_STUDIO_URL") or os.environ.get("LABEL_STUDIO_HOST") or ""
    ).strip()
    if not value:
        return None
    if not re.match(r"(?i)https?://", value):
        raise MediaUrlError(
            f"Invalid Label Studio hostname {value!r}: it must start with http:// or https://. "
            f"Pass the full URL, for example hostname='http://{value.lstrip('/')}', "
            f"or set LABEL_STUDIO_URL=http://{value.lstrip('/')}"
        )
    if "localhost" in value and value not in _warned_localhost:
        _warned_localhost.add(value)
        logger.warning(
            "Label Studio hostname %s uses localhost, which is not reachable from inside a Docker container; "
            "set LABEL_STUDIO_URL to an address the container can reach",
            value,
        )
    return value


def _api_key(access_token: Optional[str]) -> Optional[str]:
    return (
        access_token or os.environ.get("LABEL_STUDIO_API_KEY") or os.environ.get("LABEL_STUDIO_ACCESS_TOKEN")
    )


def _require_server(url: str, hostname: Optional[str], access_token: Optional[str]) -> str:
    if not hostname:
        raise MediaNotFoundError(
            f"Can't resolve url {url!r}: it is a file on the Label Studio server and no hostname was given; "
            "pass hostname='http://<host>:<port>' or set the LABEL_STUDIO_URL environment variable"
        )
    if not access_token:
        raise MediaNotFoundError(
            f"Can't download {url!r} from Label Studio without an API key; pass access_token or set the "
            "LABEL_STUDIO_API_KEY environment variable"
        )
    return hostname


# -- public entry points ----------------------------------------------------------------------------


def get_local_path(
    url: str,
    cache_dir: Optional[str] = None,
    project_dir: Optional[str] = None,
    hostname: Optional[str] = None,
    image_dir: Optional[str] = None,
    access_token: Optional[str] = None,
    download_resources: bool = True,
    task_id: Optional[Union[int, str]] = None,
) -> str:
    """A local file for the media ``url`` of a task, found on disk or downloaded into ``cache_dir``.

    With ``download_resources=False`` nothing is fetched and the path the file would have is returned.
    """
    hostname = _label_studio_url(hostname)
    access_token = _api_key(access_token)
    if logger.isEnabledFor(logging.DEBUG):  # exports call this once per task: skip building the message
        logger.debug(
            "get_local_path(url=%s, cache_dir=%s, project_dir=%s, hostname=%s, image_dir=%s, download_resources=%s, "
            "task_id=%s)",
            _display_url(url, hostname),
            cache_dir,
            project_dir,
            hostname,
            image_dir,
            download_resources,
            task_id,
        )
    url, hostname = _normalise_url(url, hostname)
    if image_dir is None:
        image_dir = (
            os.path.join(project_dir, "upload")
            if project_dir
            else os.path.join(_user_data_dir(), "media", "upload")
        )

    fallback_url: Optional[str] = None
    if url.startswith(_UPLOAD_PREFIX):
        on_disk = _uploaded_file_on_disk(url, image_dir)
        if on_disk is not None:
            if download_resources and cache_dir:
                copy = os.path.join(cache_dir, _safe_filename(os.path.basename(on_disk)))
                _copy_atomically(on_disk, _ensure_inside(cache_dir, copy))
            return on_disk
        if hostname:
            fallback_url = concat_urls(hostname, url)
        url = _PROXY_PREFIX + "?filepath=upload/" + url[len(_UPLOAD_PREFIX) :]

    cache_dir = cache_dir or _user_cache_dir()
    if _is_local_storage_url(url):
        local = resolve_local_storage_file(url)
        if local is not None and os.path.exists(local):
            if not download_resources:
                return local
            destination = _build_cache_path(cache_dir, url, os.path.basename(local))
            _copy_atomically(local, destination)
            return destination
        server = _require_server(url, hostname, access_token)
        return download_and_cache(
            concat_urls(server, url),
            cache_dir,
            download_resources,
            server,
            access_token,
            is_local_storage_file=True,
            is_cloud_storage_file=False,
            is_storage_data_file=False,
            storage_filepath=None,
        )
    if is_cloud_storage_uri(url):
        if task_id is None:
            raise MediaUrlError(
                f"Label Studio Task ID is required for cloud storage files: pass task_id for {url}"
            )
        server = _require_server(url, hostname, access_token)
        presign_url = concat_urls(server, f"/tasks/{task_id}/presign/?fileuri={encode_presign_fileuri(url)}")
        return download_and_cache(
            presign_url,
            cache_dir,
            download_resources,
            server,
            access_token,
            is_local_storage_file=False,
            is_cloud_storage_file=True,
            is_storage_data_file=False,
            storage_filepath=url,
        )
    if _is_proxy_url(url):
        server = _require_server(url, hostname, access_token)
        return download_and_cache(
            concat_urls(server, url),
            cache_dir,
            download_resources,
            server,
            access_token,
            is_local_storage_file=False,
            is_cloud_storage_file=False,
            is_storage_data_file=True,
            storage_filepath=_query_value(url, "filepath"),
            fallback_upload_url=fallback_url,
        )
    return download_and_cache(
        url,
        cache_dir,
        download_resources,
        hostname,
        access_token,
        is_local_storage_file=False,
        is_cloud_storage_file=False,
        is_storage_data_file=False,
        storage_filepath=None,
    )


def download_and_cache(
    url: str,
    cache_dir: str,
    download_resources: bool,
    hostname: Optional[str],
    access_token: Optional[str],
    is_local_storage_file: bool,
    is_cloud_storage_file: bool,
    is_storage_data_file: bool,
    storage_filepath: Optional[str],
    fallback_upload_url: Optional[str] = None,
) -> str:
    """Download ``url`` into ``cache_dir`` unless it is already there, and return the cached path.

    The cache name hashes the cloud URI (``storage_filepath``) for cloud files and the URL otherwise.
    """
    if is_cloud_storage_file and storage_filepath:
        key, name = storage_filepath, os.path.basename(storage_filepath)
    elif is_local_storage_file:
        key, name = url, os.path.basename(url.split("?d=", 1)[-1])
    elif is_storage_data_file:
        key, name = url, os.path.basename(storage_filepath or "")
    else:
        key, name = url, os.path.basename(urlsplit(url).path)
    path = _build_cache_path(cache_dir, key, name)
    if os.path.exists(path) or not download_resources:
        return path
    try:
        _download_to_file(url, path, hostname, access_token)
    except DownloadError as error:
        if fallback_upload_url is None or error.status_code is None or isinstance(error, TokenExchangeError):
            raise
        logger.info("%s; trying %s", error, _display_url(fallback_upload_url, hostname))
        try:
            _download_to_file(fallback_upload_url, path, hostname, access_token)
        except DownloadError:
            raise error from None
    return path


def get_base64_content(
    url: str,
    hostname: Optional[str] = None,
    access_token: Optional[str] = None,
    task_id: Optional[Union[int, str]] = None,
) -> str:
    """The content of the media ``url`` as a base64 string, fetched without caching."""
    hostname = _label_studio_url(hostname)
    access_token = _api_key(access_token)
    url, hostname = _normalise_url(url, hostname)
    if _is_local_storage_url(url):
        local = resolve_local_storage_file(url)
        if local is not None and os.path.isfile(local):
            with open(local, "rb") as file:
                return base64.b64encode(file.read()).decode()
    if is_cloud_storage_uri(url):
        if task_id is None:
            raise MediaUrlError(
                f"Label Studio Task ID is required for cloud storage files: pass task_id for {url}"
            )
        server = _require_server(url, hostname, access_token)
        target = concat_urls(server, f"/tasks/{task_id}/presign/?fileuri={encode_presign_fileuri(url)}")
    elif url.startswith(_UPLOAD_PREFIX) or _is_local_storage_url(url) or _is_proxy_url(url):
        target = concat_urls(_require_server(url, hostname, access_token), url)
    else:
        target = url
    _require_downloadable(target, hostname)
    with _open_stream(target, hostname, access_token) as chunks:
        return base64.b64encode(b"".join(chunks)).decode()


def http_get(url: str, **kwargs: Any) -> Any:
    """GET ``url`` through the installed ``http_session``, else with httpx (body read, redirects followed).

    Without a session the result is an ``httpx.Response``; requests-style ``stream`` and ``allow_redirects``
    arguments are accepted.
    """
    session = _http_session.get()
    if session is not None:
        return session.get(url, **kwargs)
    import httpx

    kwargs.pop("stream", None)
    follow_redirects = bool(kwargs.pop("allow_redirects", True))
    kwargs.setdefault("timeout", _download_timeout())
    kwargs.setdefault("verify", _verify_ssl())
    return httpx.get(url, follow_redirects=follow_redirects, **kwargs)


# -- local copies -------------------------------------------------------------------------------------


def _uploaded_file_on_disk(url: str, image_dir: str) -> Optional[str]:
    """The uploaded file ``/data/upload/<project>/<name>`` under ``image_dir``, when it is there."""
    relative = url[len(_UPLOAD_PREFIX) :]
    project, _, name = relative.partition("/")
    if not project.isdigit() or not name:
        return None
    candidate = safe_build_path(image_dir, relative)
    return candidate if os.path.exists(candidate) else None


@contextlib.contextmanager
def _atomic_file(destination: str) -> Iterator[IO[bytes]]:
    """A file to write that appears at ``destination`` only when the block succeeds."""
    directory = os.path.dirname(destination) or "."
    os.makedirs(directory, exist_ok=True)
    partial = os.path.join(directory, f".partial-{secrets.token_hex(8)}")
    try:
        with open(partial, "xb") as file:
            yield file
        os.replace(partial, destination)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


def _copy_atomically(source: str, destination: str) -> None:
    with _atomic_file(destination) as out, open(source, "rb") as src:
        shutil.copyfileobj(src, out, _CHUNK_SIZE)


# -- downloads ----------------------------------------------------------------------------------------


def _require_downloadable(url: str, hostname: Optional[str]) -> None:
    if _origin(url) is None:
        raise MediaUrlError(
            f"Can't download {_display_url(url, hostname)!r}: it is not an http(s) URL nor a Label Studio path "
            "(/data/upload/..., /data/local-files/?d=..., /storage-data/uploaded/?filepath=..., s3://, gs://, "
            "azure-blob://)"
        )


def _download_to_file(
    url: str, destination: str, hostname: Optional[str], access_token: Optional[str]
) -> None:
    _require_downloadable(url, hostname)
    with _atomic_file(destination) as out, _open_stream(url, hostname, access_token) as chunks:
        for chunk in chunks:
            out.write(chunk)


class _Hop(NamedTuple):
    """One response in a redirect chain, whatever client produced it."""

    status_code: int
    location: Optional[str]
    chunks: Callable[[], Iterator[bytes]]
    close: Callable[[], None]


@contextlib.contextmanager
def _open_stream(url: str, hostname: Optional[str], access_token: Optional[str]) -> Iterator[Iterator[bytes]]:
    """The body of ``url`` as chunks, following redirects; the key is dropped once a hop leaves Label Studio."""
    session = _http_session.get()
    timeout = _download_timeout()
    verify = _verify_ssl()
    with contextlib.ExitStack() as stack:
        client = None if session is not None else stack.enter_context(_httpx_client(timeout, verify))
        current, authorize = url, True
        for _ in range(_MAX_REDIRECTS + 1):
            headers = _build_headers(current, hostname, access_token if authorize else None)
            with _transport_errors(current, hostname, timeout):
                if client is not None:
                    hop = _send_with_httpx(client, current, headers)
                else:
                    hop = _send_with_session(session, current, headers, timeout, verify)
            try:
                if hop.status_code in _REDIRECT_STATUSES and hop.location:
                    following = urljoin(current, hop.location)
                    logger.debug(
                        "%s redirects to %s",
                        _display_url(current, hostname),
                        _display_url(following, hostname),
                    )
                    authorize = authorize and _same_origin(following, hostname)
                    current = following
                    continue
                if hop.status_code >= 400 or hop.status_code in _REDIRECT_STATUSES:
                    raise _status_error(current, url, hostname, hop.status_code)
                yield _guarded_chunks(hop.chunks(), current, hostname, timeout)
                return
            finally:
                hop.close()
        raise DownloadError(
            f"downloading {_display_url(url, hostname)} failed: more than {_MAX_REDIRECTS} redirects", url=url
        )


@contextlib.contextmanager
def _httpx_client(timeout: float, verify: bool) -> Iterator[httpx.Client]:
    import httpx

    with httpx.Client(timeout=httpx.Timeout(timeout), verify=verify, follow_redirects=False) as client:
        yield client


def _send_with_httpx(client: httpx.Client, url: str, headers: Dict[str, str]) -> _Hop:
    response = client.send(client.build_request("GET", url, headers=headers), stream=True)
    return _Hop(
        response.status_code,
        response.headers.get("location"),
        lambda: response.iter_bytes(_CHUNK_SIZE),
        response.close,
    )


def _send_with_session(session: Any, url: str, headers: Dict[str, str], timeout: float, verify: bool) -> _Hop:
    response = session.get(
        url, headers=headers, stream=True, timeout=timeout, verify=verify, allow_redirects=False
    )
    close = getattr(response, "close", None)
    return _Hop(
        int(response.status_code),
        _header(response.headers, "location"),
        lambda: iter(response.iter_content(chunk_size=_CHUNK_SIZE)),
        close if callable(close) else (lambda: None),
    )


def _header(headers: Any, name: str) -> Optional[str]:
    value = headers.get(name) if hasattr(headers, "get") else None
    if value is None and hasattr(headers, "items"):
        value = next((v for k, v in headers.items() if str(k).lower() == name), None)
    return None if value is None else str(value)


def _guarded_chunks(
    chunks: Iterator[bytes], url: str, hostname: Optional[str], timeout: float
) -> Iterator[bytes]:
    with _transport_errors(url, hostname, timeout):
        for chunk in chunks:
            if chunk:
                yield chunk


def _status_error(current: str, requested: str, hostname: Optional[str], status: int) -> DownloadError:
    message = f"downloading {_display_url(current, hostname)} failed with HTTP {status}"
    if status in (401, 403) and _same_origin(current, hostname):
        message += " (check that the API key is valid and may read this project's files)"
    elif status == 404:
        message += " (no such file on the server)"
    return DownloadError(message, url=requested, status_code=status)


@contextlib.contextmanager
def _transport_errors(
    url: str,
    hostname: Optional[str],
    timeout: float,
    action: str = "downloading",
    error_class: type[DownloadError] = DownloadError,
) -> Iterator[None]:
    """Turn a client's transport failure into ``error_class`` with a message that names the URL, never the key."""
    try:
        yield
    except DownloadError:
        raise
    except Exception as exc:
        if not _is_transport_error(exc):
            raise
        display = _display_url(url, hostname)
        query = urlsplit(url).query
        detail = f"{type(exc).__name__}: {exc}"
        if query and not _same_origin(url, hostname):
            detail = detail.replace(query, "<query>")
        if _is_timeout(exc):
            message = f"{action} {display} timed out after {timeout:g} s (LABEL_STUDIO_DOWNLOAD_TIMEOUT sets the limit)"
        elif "ssl" in detail.lower() or "certificate" in detail.lower():
            logger.error(
                "TLS verification failed for %s; VERIFY_SSL=false turns it off for trusted servers", display
            )
            message = (
                f"{action} {display} failed: {detail} (set VERIFY_SSL=false only for a server you trust)"
            )
        else:
            message = f"{action} {display} failed: {detail}"
        raise error_class(message, url=url) from exc


def _is_transport_error(exc: BaseException) -> bool:
    if isinstance(exc, OSError):  # requests' exceptions, socket errors
        return True
    httpx_module = sys.modules.get("httpx")
    return httpx_module is not None and isinstance(exc, (httpx_module.HTTPError, httpx_module.InvalidURL))


def _is_timeout(exc: BaseException) -> bool:
    httpx_module = sys.modules.get("httpx")
    if httpx_module is not None and isinstance(exc, httpx_module.TimeoutException):
        return True
    return isinstance(exc, TimeoutError) or "timeout" in type(exc).__name__.lower()
