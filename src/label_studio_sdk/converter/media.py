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
from typing import Any, Callable, Deque, Generic, Iterable, Iterator, Literal, Optional, Set, Tuple, TypeVar
from urllib.parse import unquote, urlsplit

from label_studio_sdk._extensions.label_studio_tools.core.utils import io
from label_studio_sdk.core.errors import LabelStudioError

logger = logging.getLogger(__name__)

T = TypeVar("T")
OnError = Literal["skip", "raise"]

DEFAULT_WORKERS = 8
"""Downloads in flight at once."""

_MAX_STEM = 251  # a label file "<stem>.txt" stays within the usual 255-byte name limit
_SURROGATES = re.compile("[\ud800-\udfff]")


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


@dataclass(frozen=True)
class MediaFile:
    """One task's media in the export.

    ``name`` is the file name the export uses for it (unique in this export); ``path`` is the file on disk
    (the copy inside the images folder when copies are made), or None when it could not be had; ``error``
    says why.
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


def url_file_name(url: str) -> str:
    """The sanitised last path component of a URL or path (the ``?d=`` path of Local Storage URLs)."""
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
    """The file names used so far in one export, kept as 8-byte digests (about 60 bytes per image)."""

    def __init__(self) -> None:
        self._claimed: Set[int] = set()

    def claim(self, name: str, url: str) -> str:
        """``name`` when its stem is unused, else a name made unique with the URL's digest (and a counter).

        Stems, not names, are claimed: ``cat.png`` and ``cat.jpg`` would otherwise share ``labels/cat.txt``.
        """
        name = _SURROGATES.sub("_", name)  # a lone surrogate cannot be a file name
        candidate = name
        stem, extension = os.path.splitext(name)
        stem = stem[: _MAX_STEM - 20]  # room for the suffixes
        attempt = 0
        while self._key(candidate) in self._claimed:
            attempt += 1
            suffix = _digest(url) if attempt == 1 else f"{_digest(url)}_{attempt}"
            candidate = f"{stem}__{suffix}{extension}"
        self._claimed.add(self._key(candidate))
        return candidate

    @staticmethod
    def _key(name: str) -> int:
        # The stem as labels use it, case-folded so names stay distinct on case-insensitive filesystems too.
        stem = os.path.splitext(name)[0][:_MAX_STEM]
        raw = hashlib.blake2b(stem.casefold().encode("utf-8", "surrogatepass"), digest_size=8).digest()
        return int.from_bytes(raw, "big")


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
        name = self._names.claim(io._safe_filename(os.path.basename(found)) or url_file_name(url), url)
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
        if self.images_dir is None or self.settings.workers <= 1:
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
