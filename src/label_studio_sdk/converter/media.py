"""The media files of an image export: where each task's image is, a unique name for it, and a copy in the export.

``MediaResolver.resolve`` takes items in export order and yields them back in the same order with a
``MediaFile`` each. When images are copied into the export, several are fetched at once (a bounded thread
pool with a bounded look-ahead), so a slow server costs the export the slowest download rather than the
sum of them. Names are made unique within one export: an image whose file name is already taken by another
image gets ``<stem>__<md5(url)[:8]><ext>``, so two images called ``1.jpg`` never share a label file.
Every name is a single sanitised path component, so nothing is written outside the images folder.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import hashlib
import logging
import os
import re
import shutil
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import (
    Any,
    Callable,
    Deque,
    Generic,
    Iterable,
    Iterator,
    Literal,
    NamedTuple,
    Optional,
    Set,
    Tuple,
    TypeVar,
)
from urllib.parse import unquote, urlsplit

from label_studio_sdk._extensions.label_studio_tools.core.utils import io
from label_studio_sdk.core.errors import LabelStudioError

logger: logging.Logger = logging.getLogger(__name__)

T = TypeVar("T")
OnError = Literal["skip", "raise"]

DEFAULT_WORKERS = 8
"""Downloads in flight at once."""

_MAX_STEM = 251  # a label file "<stem>.txt" stays within the usual 255-byte name limit
_SURROGATES = re.compile("[\ud800-\udfff]")
_WINDOWS = os.name == "nt"
# Printable ASCII but "/" and "\\", at most io._MAX_NAME_BYTES long: names io._safe_filename leaves as they are.
_PLAIN_NAME = re.compile(r"[\x20-\x2e\x30-\x5b\x5d-\x7e]{1," + str(io._MAX_NAME_BYTES) + "}")
# One path component that os.path.normpath leaves alone: no separator, no NUL, not "." or "..".
_PLAIN_COMPONENT = re.compile(r"(?!\.\.?\Z)[^/\\\x00]+")
_UPLOAD_PREFIX = io._UPLOAD_PREFIX
_PROXY_UPLOAD = io._PROXY_PREFIX + "?filepath=upload/"  # what get_local_path turns an upload URL into
_WEB_PREFIXES = ("http://", "https://")


class MediaDownloadError(LabelStudioError, OSError):
    """A task's media file could not be found or downloaded; the message names the task and the URL."""

    def __init__(self, task_id: Any, url: str, reason: BaseException) -> None:
        self.task_id = task_id
        self.url = url
        self.reason = reason
        super().__init__(f"task {task_id}: cannot get {url}: {reason}")


@dataclass(frozen=True)
class MediaSettings:
    """Where task media can be found: what ``get_local_path`` needs besides the URL."""

    project_dir: Optional[str] = None
    upload_dir: Optional[str] = None
    hostname: Optional[str] = None
    access_token: Optional[str] = field(default=None, repr=False)
    workers: int = DEFAULT_WORKERS


class MediaFile(NamedTuple):
    """One task's media in the export.

    ``name`` is the file name the export uses for it (unique in this export); ``path`` is the file on disk
    (the copy inside the images folder when copies are made), or None when it could not be had; ``error``
    says why. Immutable (a named tuple: one is made per task, and that is a few times cheaper than a frozen
    dataclass).
    """

    url: str
    name: str
    local: Optional[str]
    error: Optional[MediaDownloadError] = None

    @property
    def path(self) -> Optional[Path]:
        # Built on demand: pathlib interns every path part, which would keep a string per image alive.
        return None if self.local is None else Path(self.local)

    @property
    def stem(self) -> str:
        return os.path.splitext(self.name)[0][:_MAX_STEM]


@dataclass
class _Located:
    url: str
    task_id: Any
    path: Optional[str]
    error: Optional[BaseException]


def _safe_name(name: str) -> str:
    """``io._safe_filename(name)``, answered without work for the usual plain ASCII names."""
    if not _WINDOWS and _PLAIN_NAME.fullmatch(name) is not None and name.strip("."):
        return name  # nothing for _safe_filename to change: one component, no control bytes, short
    return io._safe_filename(name)


def url_file_name(url: str) -> str:
    """The sanitised last path component of a URL or path (the ``?d=`` path of Local Storage URLs)."""
    if url[:1] == "/" and url[1:2] != "/" and "?d=" not in url and url.isascii() and url.isprintable():
        # A plain server path such as /data/upload/1/a.jpg: urlsplit would find no scheme and no host in it.
        tail = url.split("?", 1)[0]
        if "%" not in tail:
            tail = tail.rstrip("/\\")
            return _safe_name(tail[max(tail.rfind("/"), tail.rfind("\\")) + 1 :]) or "image"
    if "?d=" in url:
        tail = url.split("?d=", 1)[1]
    else:
        parts = urlsplit(url)
        tail = parts.path if parts.scheme or parts.netloc else url.split("?", 1)[0]
    name = io._safe_filename(unquote(tail).rstrip("/\\"))
    return name or "image"


def _digest(text: str) -> str:
    return hashlib.md5(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()[:8]


class _NameClaims:
    """The file names used so far in one export, kept as 8-byte hashes (about 60 bytes per image)."""

    def __init__(self) -> None:
        self._claimed: Set[int] = set()

    def claim(self, name: str, url: str) -> str:
        """``name`` when its stem is unused, else a name made unique with the URL's digest (and a counter).

        Stems, not names, are claimed: ``cat.png`` and ``cat.jpg`` would otherwise share ``labels/cat.txt``.
        """
        if not name.isascii():
            name = _SURROGATES.sub("_", name)  # a lone surrogate cannot be a file name
        stem, extension = os.path.splitext(name)
        key = _stem_key(stem)
        if key not in self._claimed:
            self._claimed.add(key)
            return name
        stem = stem[: _MAX_STEM - 20]  # room for the suffixes
        digest = _digest(url)
        attempt = 1
        candidate = f"{stem}__{digest}{extension}"
        while self._key(candidate) in self._claimed:
            attempt += 1
            candidate = f"{stem}__{digest}_{attempt}{extension}"
        self._claimed.add(self._key(candidate))
        return candidate

    @staticmethod
    def _key(name: str) -> int:
        return _stem_key(os.path.splitext(name)[0])


def _stem_key(stem: str) -> int:
    """The stem as labels use it, case-folded so names stay distinct on case-insensitive filesystems too.

    ``hash`` of a str is a 64-bit SipHash: two distinct stems share a key about once in 2**64 pairs, and
    then the second one only gets a digest suffix.
    """
    return hash(stem[:_MAX_STEM].casefold())


class MediaResolver(Generic[T]):
    """Finds (and, with ``copy_into``, copies) the media of export items, in order, with unique names."""

    def __init__(
        self,
        settings: MediaSettings,
        *,
        copy_into: Optional[Path] = None,
        on_error: OnError = "skip",
    ) -> None:
        if on_error not in ("skip", "raise"):
            raise ValueError(f"on_error must be 'skip' or 'raise', not {on_error!r}")
        self.settings = settings
        self.images_dir = copy_into
        # Resolved once per export instead of once per task (environment variables, the default folders).
        self._cache_dir = str(copy_into) if copy_into is not None else io._user_cache_dir()
        self._hostname = io._label_studio_url(settings.hostname)
        self._access_token = io._api_key(settings.access_token)
        self._upload_dir = settings.upload_dir or (
            os.path.join(settings.project_dir, "upload")
            if settings.project_dir
            else os.path.join(io._user_data_dir(), "media", "upload")
        )
        self.on_error = on_error
        self.failures = 0
        self._names = _NameClaims()
        # ``<upload dir>/`` as safe_build_path makes it, for uploaded files found without get_local_path.
        self._upload_root = os.path.join(os.path.abspath(self._upload_dir), "")
        self._absent_projects: Set[str] = set()  # project folders found missing in this export

    # -- per URL, possibly in a worker thread -------------------------------------------------------

    def _get_local_path(self, url: str, task_id: Any, download: bool) -> str:
        settings = self.settings
        return io.get_local_path(
            url,
            cache_dir=self._cache_dir,
            project_dir=settings.project_dir,
            hostname=self._hostname,
            image_dir=self._upload_dir,
            access_token=self._access_token,
            download_resources=download,
            task_id=task_id,
        )

    def _path_in_place(self, url: str, task_id: Any) -> str:
        """``get_local_path(url, download_resources=False)``, with the usual URLs answered in a few steps.

        An upload of the form ``/data/upload/<project>/<name>`` is looked for in the upload folder (once per
        export when the project's folder is not there at all) and, with no server to ask, fails as
        get_local_path fails; an http(s) URL gets the cache path get_local_path
        would give. Everything else (and every unusual name) goes through get_local_path itself, and the
        unit tests check that both ways agree.
        """
        if _WINDOWS:
            return self._get_local_path(url, task_id, download=False)
        if url.startswith(_UPLOAD_PREFIX):
            relative = url[len(_UPLOAD_PREFIX) :]
            project, _, name = relative.partition("/")
            if project.isascii() and project.isdigit() and _PLAIN_COMPONENT.fullmatch(name) is not None:
                candidate = self._upload_root + relative  # what safe_build_path gives for such a name
                if project not in self._absent_projects:
                    if os.path.exists(candidate):
                        return candidate
                    if not os.path.isdir(self._upload_root + project):
                        # No such project folder (an export read away from the server): no stat per task.
                        self._absent_projects.add(project)
                if self._hostname is None:
                    io._require_server(_PROXY_UPLOAD + relative, None, self._access_token)  # raises
        elif url.startswith(_WEB_PREFIXES):
            return io._build_cache_path(self._cache_dir, url, os.path.basename(urlsplit(url).path))
        return self._get_local_path(url, task_id, download=False)

    def _in_place(self, url: str, task_id: Any) -> MediaFile:
        """``_finish(_locate(url, task_id))`` when nothing is copied: where the file is (or would be), and its name."""
        try:
            found = self._path_in_place(url, task_id)
        except Exception as exc:  # every failure is reported per task, never lost
            error = MediaDownloadError(task_id, url, exc)
            # Nothing was to be fetched: the path only names the labels, and the URL's file name does too.
            logger.debug("%s", error)
            return MediaFile(url, self._names.claim(url_file_name(url), url), None, error)
        name = self._names.claim(_safe_name(os.path.basename(found)) or url_file_name(url), url)
        return MediaFile(url, name, found)

    def _locate(self, url: str, task_id: Any) -> _Located:
        """Where the file is (or, without copies, would be); downloads it into the images folder when copying."""
        try:
            path = self._get_local_path(url, task_id, download=False)
            if self.images_dir is not None and not self._inside_images(path):
                if not os.path.isfile(path):
                    raise io.MediaNotFoundError(f"no such file: {path}")
            elif self.images_dir is not None:
                path = self._get_local_path(url, task_id, download=True)
            return _Located(url, task_id, path, None)
        except Exception as exc:  # every failure is reported per task, never lost
            return _Located(url, task_id, None, exc)

    def _inside_images(self, path: str) -> bool:
        assert self.images_dir is not None
        return os.path.dirname(os.path.abspath(path)) == os.path.abspath(self.images_dir)

    # -- in the export's thread, in order ------------------------------------------------------------

    def _finish(self, located: _Located) -> MediaFile:
        url = located.url
        if located.error is not None:
            error = MediaDownloadError(located.task_id, url, located.error)
            if self.images_dir is None:
                # Nothing was to be fetched: the path only names the labels, and the URL's file name does too.
                logger.debug("%s", error)
                return MediaFile(url, self._names.claim(url_file_name(url), url), None, error)
            if self.on_error == "raise":
                raise error
            self.failures += 1
            logger.warning("%s", error)
            # The published converter names labels after the URL's file name when the path cannot be resolved.
            return MediaFile(url, self._names.claim(url_file_name(url), url), None, error)
        assert located.path is not None
        found = located.path
        name = self._names.claim(_safe_name(os.path.basename(found)) or url_file_name(url), url)
        if self.images_dir is None:
            return MediaFile(url, name, found)
        target = self.images_dir / name
        if os.path.abspath(found) != os.path.abspath(target):
            try:
                self._copy(Path(found), target)
            except OSError as exc:
                error = MediaDownloadError(located.task_id, url, exc)
                if self.on_error == "raise":
                    raise error from exc
                self.failures += 1
                logger.warning("%s", error)
                return MediaFile(url, name, None, error)
        return MediaFile(url, name, str(target))

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        # Through a temporary name and a rename: a link already at ``target`` is replaced, not written through.
        partial = target.with_name(f".{target.name[:64]}.{os.getpid()}.part")
        try:
            shutil.copyfile(source, partial)
            os.replace(partial, target)
        except BaseException:
            if partial.exists():
                partial.unlink()
            raise

    def resolve(
        self, items: Iterable[T], url_of: Callable[[T], Optional[Tuple[str, Any]]]
    ) -> Iterator[Tuple[T, Optional[MediaFile]]]:
        """Each item with its media (None when ``url_of`` gives no ``(url, task_id)``), in the order given."""
        if self.images_dir is None:
            # Nothing to fetch: names are computed inline, in order, without a thread pool.
            in_place = self._in_place
            for item in items:
                request = url_of(item)
                yield item, None if request is None else in_place(*request)
            return
        if self.settings.workers <= 1:
            for item in items:
                request = url_of(item)
                yield item, None if request is None else self._finish(self._locate(*request))
            return
        window = max(4 * self.settings.workers, 16)
        pending: Deque[Tuple[T, Optional[concurrent.futures.Future[_Located]]]] = deque()
        with concurrent.futures.ThreadPoolExecutor(
            max_workers=self.settings.workers, thread_name_prefix="ls-converter-media"
        ) as pool:
            try:
                for item in items:
                    request = url_of(item)
                    future = None
                    if request is not None:
                        # Each download runs in a copy of this context: the installed session and resolver apply.
                        future = pool.submit(contextvars.copy_context().run, self._locate, *request)
                    pending.append((item, future))
                    while len(pending) >= window:
                        yield self._next(pending)
                while pending:
                    yield self._next(pending)
            finally:
                for _, future in pending:
                    if future is not None:
                        future.cancel()

    def _next(
        self, pending: Deque[Tuple[T, Optional[concurrent.futures.Future[_Located]]]]
    ) -> Tuple[T, Optional[MediaFile]]:
        item, future = pending.popleft()
        return item, None if future is None else self._finish(future.result())
