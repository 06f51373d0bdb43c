"""Task media in image exports: unique names, bounded concurrent downloads, errors naming task and URL."""

from __future__ import annotations

import http.server
import logging
import socket
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

from label_studio_sdk.converter.exports._output import ExportOutputError, safe_subdir
from label_studio_sdk.converter.media import (
    MediaDownloadError,
    MediaResolver,
    MediaSettings,
    url_file_name,
)


class _SlowImages(http.server.BaseHTTPRequestHandler):
    """Serves ``/<name>`` as a few bytes after a pause, counting requests in flight; ``/missing*`` is 404."""

    lock = threading.Lock()
    in_flight = 0
    most_in_flight = 0
    delay = 0.3

    def do_GET(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.most_in_flight = max(cls.most_in_flight, cls.in_flight)
        try:
            time.sleep(cls.delay)
            if self.path.startswith("/missing"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = self.path.encode()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            with cls.lock:
                cls.in_flight -= 1

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def image_server() -> Iterator[str]:
    _SlowImages.in_flight = _SlowImages.most_in_flight = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowImages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _requests(items: List[Tuple[str, int]]) -> Any:
    def url_of(item: Tuple[str, int]) -> Optional[Tuple[str, Any]]:
        return item

    return url_of


def test_downloads_run_concurrently_within_the_bound_and_keep_order(
    image_server: str, tmp_path: Path
) -> None:
    images = safe_subdir(tmp_path, "images")
    items = [(f"{image_server}/img{number}.png", number) for number in range(12)]
    resolver: MediaResolver[Tuple[str, int]] = MediaResolver(MediaSettings(workers=4), copy_into=images)
    results = list(resolver.resolve(items, _requests(items)))
    assert [item for item, _ in results] == items  # export order, whatever the completion order
    assert 1 < _SlowImages.most_in_flight <= 4
    for (_url, number), media in results:
        assert media is not None and media.error is None and media.path is not None
        assert media.path.parent == images
        assert media.path.read_bytes() == f"/img{number}.png".encode()
        assert media.name.endswith(f"__img{number}.png")  # the cache name of get_local_path


def test_a_failed_download_names_task_and_url_and_the_rest_go_on(
    image_server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    images = safe_subdir(tmp_path, "images")
    items = [
        (f"{image_server}/ok.png", 1),
        (f"{image_server}/missing.png", 2),
        (f"{image_server}/ok2.png", 3),
    ]
    resolver: MediaResolver[Tuple[str, int]] = MediaResolver(MediaSettings(workers=2), copy_into=images)
    with caplog.at_level(logging.WARNING):
        results = dict(resolver.resolve(items, _requests(items)))
    failed = results[items[1]]
    assert failed is not None and failed.path is None and isinstance(failed.error, MediaDownloadError)
    assert failed.error.task_id == 2 and failed.error.url == items[1][0]
    assert f"task 2: cannot get {items[1][0]}" in caplog.text
    assert resolver.failures == 1
    assert all(results[item] is not None and results[item].path is not None for item in (items[0], items[2]))  # type: ignore[union-attr]
    assert not [path for path in images.iterdir() if path.name.startswith(".")]  # no partial file left


def test_on_error_raise_stops_at_the_failure(image_server: str, tmp_path: Path) -> None:
    items = [(f"{image_server}/missing.png", 7)]
    resolver: MediaResolver[Tuple[str, int]] = MediaResolver(
        MediaSettings(workers=2), copy_into=safe_subdir(tmp_path, "images"), on_error="raise"
    )
    with pytest.raises(MediaDownloadError, match=r"task 7: cannot get .*/missing\.png"):
        list(resolver.resolve(items, _requests(items)))


def _upload(root: Path, project: int, name: str, content: bytes) -> str:
    path = root / str(project) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return f"/data/upload/{project}/{name}"


def test_images_that_share_a_basename_get_distinct_names(tmp_path: Path) -> None:
    uploads = tmp_path / "upload"
    first = _upload(uploads, 1, "cat.jpg", b"one")
    second = _upload(uploads, 2, "cat.jpg", b"two")
    images = safe_subdir(tmp_path / "out", "images")
    items = [(first, 1), (second, 2), (first, 3)]
    resolver: MediaResolver[Tuple[str, int]] = MediaResolver(
        MediaSettings(upload_dir=str(uploads)), copy_into=images
    )
    media = [found for _, found in resolver.resolve(items, _requests(items))]
    names = [found.name for found in media if found is not None]
    assert names[0] == "cat.jpg"
    assert len(set(names)) == 3 and all(name.startswith("cat__") for name in names[1:])
    contents = [found.path.read_bytes() for found in media if found is not None and found.path is not None]
    assert contents == [b"one", b"two", b"one"]  # each copy holds its own image; nothing overwritten


def test_without_copies_nothing_is_fetched_and_names_follow_the_resolved_path(tmp_path: Path) -> None:
    uploads = tmp_path / "upload"
    on_disk = _upload(uploads, 1, "a.png", b"x")
    items = [(on_disk, 1), ("http://example.invalid/pics/b.png", 2), ("s3://bucket/c.png", 3)]
    resolver: MediaResolver[Tuple[str, int]] = MediaResolver(MediaSettings(upload_dir=str(uploads)))
    media = [found for _, found in resolver.resolve(items, _requests(items))]
    assert next(found.name for found in media if found is not None) == "a.png"
    assert (
        media[1] is not None and media[1].name.endswith("__b.png") and len(media[1].name) == len("b.png") + 10
    )
    # A cloud URI without a server cannot be resolved: the URL's own file name is used, and the error kept.
    assert media[2] is not None and media[2].name == "c.png" and media[2].error is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://h/a/../../../etc/passwd", "passwd"),
        ("/data/local-files/?d=dir/..%2F..%2Fsecret.png", "secret.png"),
        ("/data/upload/1/%2e%2e%2F%2e%2e%2Fx.png", "x.png"),
        ("..", "__"),
        ("http://h/", "image"),
        ("C:\\Users\\x\\pic.jpg", "pic.jpg"),
    ],
)
def test_url_file_names_are_one_harmless_component(url: str, expected: str) -> None:
    name = url_file_name(url)
    assert name == expected
    assert "/" not in name and "\\" not in name and name not in (".", "..")


def test_an_images_folder_that_links_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "images").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ExportOutputError, match="leads outside"):
        safe_subdir(out, "images")


def test_a_planted_link_in_the_images_folder_is_replaced_not_written_through(tmp_path: Path) -> None:
    uploads = tmp_path / "upload"
    url = _upload(uploads, 1, "a.png", b"image")
    images = safe_subdir(tmp_path / "out", "images")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (images / "a.png").symlink_to(victim)
    items = [(url, 1)]
    resolver: MediaResolver[Tuple[str, int]] = MediaResolver(
        MediaSettings(upload_dir=str(uploads)), copy_into=images
    )
    ((_, media),) = resolver.resolve(items, _requests(items))
    assert media is not None and media.path == images / "a.png"
    assert victim.read_text() == "keep"
    assert not (images / "a.png").is_symlink() and (images / "a.png").read_bytes() == b"image"


def test_a_closed_port_fails_fast_with_the_task_named(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    items = [(f"http://127.0.0.1:{port}/x.png", 42)]
    resolver: MediaResolver[Tuple[str, int]] = MediaResolver(
        MediaSettings(), copy_into=safe_subdir(tmp_path, "i")
    )
    ((_, media),) = resolver.resolve(items, _requests(items))
    assert media is not None and media.error is not None and "task 42" in str(media.error)


def test_settings_reprs_do_not_show_the_token() -> None:
    settings = MediaSettings(access_token="secret-token-123")
    resolver: MediaResolver[Dict[str, Any]] = MediaResolver(settings)
    assert "secret-token-123" not in repr(settings)
    assert "secret-token-123" not in repr(resolver)


def test_names_that_share_a_stem_get_distinct_stems(tmp_path: Path) -> None:
    uploads = tmp_path / "upload"
    items = [(_upload(uploads, 1, "cat.png", b"p"), 1), (_upload(uploads, 1, "CAT.jpg", b"j"), 2)]
    resolver: MediaResolver[Tuple[str, int]] = MediaResolver(MediaSettings(upload_dir=str(uploads)))
    stems = [found.stem for _, found in resolver.resolve(items, _requests(items)) if found is not None]
    assert stems[0] == "cat" and stems[1].startswith("CAT__") and len(set(s.casefold() for s in stems)) == 2


def test_a_lone_surrogate_in_a_url_gives_a_usable_name(tmp_path: Path) -> None:
    items = [("http://example.invalid/bad\ud800.png", 1)]
    resolver: MediaResolver[Tuple[str, int]] = MediaResolver(MediaSettings())
    ((_, found),) = resolver.resolve(items, _requests(items))
    assert found is not None
    found.name.encode("utf-8")  # would raise on a surrogate
    assert found.name.endswith("bad_.png")


_IN_PLACE_URLS = [
    "/data/upload/1/a.png",  # on disk
    "/data/upload/1/missing.png",  # its project folder is there, the file is not
    "/data/upload/7/b.png",  # no such project folder
    "/data/upload/7/b.png",  # the same again: the absent folder is remembered
    "/data/upload/1/a.png?x=1",
    "/data/upload/1/../1/a.png",
    "/data/upload/1/sub/a.png",
    "/data/upload/1/..",
    "/data/upload/1/.",
    "/data/upload/1/",
    "/data/upload/x1/a.png",
    "/data/upload/\u0661/a.png",  # a digit, but not an ASCII one
    "/data/upload/1/caf\u00e9 %20&filepath=z.png",
    "/data/upload/1/a\x00.png",
    "/data/upload/../../etc/passwd",
    "upload/1/a.png",
    "/label-studio/data/upload/1/a.png",
    "http://example.invalid/pics/b.png?size=2#frag",
    "https://example.invalid/",
    "HTTP://example.invalid/up.png",
    "s3://bucket/c.png",
    "/data/local-files/?d=dir/d.png",
    "/storage-data/uploaded/?filepath=upload/1/a.png",
    "relative/e.png",
    "",
]


@pytest.mark.parametrize("hostname", [None, "http://ls.invalid:8080"])
@pytest.mark.parametrize("token", [None, "secret"])
def test_names_without_copies_match_the_general_resolution(
    tmp_path: Path, hostname: Optional[str], token: Optional[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick path for uploads and web URLs gives what get_local_path gives: the same path or the same error."""
    for variable in (
        "LABEL_STUDIO_URL",
        "LABEL_STUDIO_HOST",
        "LABEL_STUDIO_API_KEY",
        "LABEL_STUDIO_ACCESS_TOKEN",
    ):
        monkeypatch.delenv(variable, raising=False)
    uploads = tmp_path / "upload"
    _upload(uploads, 1, "a.png", b"x")
    settings = MediaSettings(upload_dir=str(uploads), hostname=hostname, access_token=token)
    quick: MediaResolver[str] = MediaResolver(settings)
    general: MediaResolver[str] = MediaResolver(settings)
    for url in _IN_PLACE_URLS:
        try:
            expected: Any = general._get_local_path(url, 5, download=False)
        except Exception as exc:
            expected = (type(exc), str(exc))
        try:
            found: Any = quick._path_in_place(url, 5)
        except Exception as exc:
            found = (type(exc), str(exc))
        assert found == expected, url
    # And the names, in order, are those the general path would give (shared stems get suffixes alike).
    items = [(url, number) for number, url in enumerate(_IN_PLACE_URLS) if url]
    names = [found.name for _, found in MediaResolver(settings).resolve(items, _requests(items)) if found]
    reference = MediaResolver(settings)
    expected_names = [reference._finish(reference._locate(url, number)).name for url, number in items]
    assert names == expected_names


def test_plain_names_skip_sanitising_only_when_it_would_change_nothing() -> None:
    from label_studio_sdk._extensions.label_studio_tools.core.utils import io
    from label_studio_sdk.converter.media import _safe_name

    samples = [
        "a.png",
        "...",
        ".",
        "a" * 200,
        "a" * 201,
        "x\x7fy",
        "tab\there",
        "caf\u00e9.png",
        " .png",
        "a\\b",
    ]
    for name in samples:
        assert _safe_name(name) == io._safe_filename(name), name
    for url in [
        "/data/upload/1/a%20b.png",
        "/x/y/",
        "/\t/host/p.png",
        "/a?d=b/c.png",
        "/pics/z.png?v=1",
        "//h/p.png",
    ]:
        parts_name = url_file_name(url)
        assert parts_name and "/" not in parts_name, url
    assert url_file_name("/data/upload/1/a%20b.png") == "a b.png"
    assert url_file_name("/pics/z.png?v=1") == "z.png"
    assert url_file_name("/x/y/") == "y"
