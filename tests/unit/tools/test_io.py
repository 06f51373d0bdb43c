"""Media paths and downloads: URL classification, cache names, local files, and real HTTP on 127.0.0.1.

Cache names and classification results marked "recorded" were produced by the published label-studio-sdk 2.1.2
with ``download_resources=False``, on the same inputs.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Tuple

import httpx
import pytest

from label_studio_sdk._extensions.label_studio_tools.core.utils import io
from label_studio_sdk.core.errors import LabelStudioError

Responder = Callable[[BaseHTTPRequestHandler], None]
HOST = "http://ls.example:8080"
LEGACY_KEY = "0123456789abcdef0123456789abcdef01234567"


class Recorded(NamedTuple):
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes


class LocalServer:
    """A real HTTP server on 127.0.0.1 whose answers the test chooses, path by path."""

    def __init__(self) -> None:
        self.routes: Dict[str, Responder] = {}
        self.requests: List[Recorded] = []
        self.release = threading.Event()  # set at teardown, so handlers that wait can finish
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._dispatch(self)

            def do_POST(self) -> None:
                server._dispatch(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {key.lower(): value for key, value in handler.headers.items()}
        self.requests.append(Recorded(handler.command, handler.path, headers, body))
        responder = self.routes.get(handler.path) or self.routes.get(handler.path.split("?", 1)[0])
        (responder or send(b"not found", status=404))(handler)

    def route(self, path: str, responder: Responder) -> None:
        self.routes[path] = responder

    def paths(self) -> List[str]:
        return [request.path for request in self.requests]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def send(body: bytes, status: int = 200, headers: Optional[Dict[str, str]] = None) -> Responder:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def redirect(location: str, status: int = 302) -> Responder:
    return send(b"", status=status, headers={"Location": location})


def truncated(declared: int, sent: bytes) -> Responder:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(sent)
        handler.wfile.flush()
        handler.close_connection = True

    return respond


def make_jwt(claims: Dict[str, Any]) -> str:
    def part(data: Dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (
        "LABEL_STUDIO_URL",
        "LABEL_STUDIO_HOST",
        "LABEL_STUDIO_API_KEY",
        "LABEL_STUDIO_ACCESS_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    for name in ("LOCAL_FILES_DOCUMENT_ROOT", "VERIFY_SSL", "DOWNLOAD_TIMEOUT"):
        for prefix in ("LABEL_STUDIO_", "HEARTEX_", ""):
            monkeypatch.delenv(prefix + name, raising=False)
    io._access_tokens.clear()
    yield
    io._access_tokens.clear()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    running = LocalServer()
    yield running
    running.close()


@pytest.fixture
def other_server() -> Iterator[LocalServer]:
    running = LocalServer()
    yield running
    running.close()


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"  # not created: get_local_path must create it


def would_be(url: str, cache: Path, hostname: Optional[str] = HOST, **kwargs: Any) -> str:
    kwargs.setdefault("access_token", LEGACY_KEY)
    kwargs.setdefault("task_id", 7)
    path = io.get_local_path(url, cache_dir=str(cache), hostname=hostname, download_resources=False, **kwargs)
    return os.path.relpath(path, cache)


# -- classification and cache names (recorded) --------------------------------------------------------

RECORDED_NAMES = {
    "http://other.com/a/b/img.png?x=1": "d0dd8973__img.png",
    "https://example.com/path/to/file%20name.jpg": "850011dd__file%20name.jpg",
    "/data/upload/12/abc-img.png": "7ea7da98__abc-img.png",
    "upload/12/abc-img.png": "7ea7da98__abc-img.png",
    "/upload/12/abc-img.png": "7ea7da98__abc-img.png",
    "/data/upload/1/sub/x.png": "ab37d81e__x.png",
    "/data/upload/1/x.png?token=abc": "83fd1a77__x.png?token=abc",
    "/data/local-files/?d=dir/sub/img%201.png": "bcde08f7__img%201.png",
    "/data/local-files/?d=dir%2Fsub%2Fimg.png": "0872b730__dir%2Fsub%2Fimg.png",
    "/data/?d=a.png&d=b.png": "f43d57c4__a.png&d=b.png",
    "/data/local-files/?e=1&d=a.png": "519bcd18__",
    "/storage-data/uploaded/?filepath=upload/1/x.png": "5d342d84__x.png",
    "/storage-data/uploaded/?filepath=upload/1/a%20b.png": "18f34921__a b.png",
    "/storage-data/uploaded/?x=1&filepath=upload/1/ab.png": "fbcaaae6__ab.png",
    "/storage-data/foo/bar.png": "e7e1406b__bar.png",
    "http://ls.example:8080/data/upload/12/img.png": "a01c4708__img.png",
    "http://ls.example:8080/data/local-files/?d=x/y.png": "57e1ff6f__",
    "s3://bucket/dir/file.jpg": "3062e1bd__file.jpg",
    "gs://bucket/f.png": "a8087f3e__f.png",
    "azure-blob://container/f.png": "aeb2f8ea__f.png",
    "s3://b/~~~?>>": "8b53c2eb__~~~?>>",
    "http://x.com/noext": "b7f31888__noext",
    "http://x.com/": "fd56cd00__",
    "http://x.com/../../etc/passwd": "1f26c106__passwd",
    "http://x.com/a/..%2F..%2Fetc": "0acd9f44__..%2F..%2Fetc",
    "/data/foo.png": "70dc7481__foo.png",
    "/data/upload/x/y/z.png": "a7bc835d__z.png",
    "ftp://x/y.png": "2701681f__y.png",
    "HTTP://h/A.png": "6d0be563__A.png",
}


@pytest.mark.parametrize("url", sorted(RECORDED_NAMES))
def test_cache_names_match_the_published_package(url: str, cache: Path) -> None:
    assert would_be(url, cache) == RECORDED_NAMES[url]
    assert not cache.exists()  # nothing is created when not downloading


@pytest.mark.parametrize(
    ("hostname", "url", "expected"),
    [
        ("http://ls.example:8080/", "/data/upload/12/abc-img.png", "7ea7da98__abc-img.png"),
        ("http://h/sub", "/data/upload/12/abc-img.png", "1c9f8266__abc-img.png"),
        ("http://h/sub", "/data/local-files/?d=dir/sub/img%201.png", "c4001b35__img%201.png"),
    ],
)
def test_cache_names_follow_the_hostname_like_the_published_package(
    hostname: str, url: str, expected: str, cache: Path
) -> None:
    assert would_be(url, cache, hostname=hostname) == expected


def test_relative_upload_path_without_leading_slash_is_an_upload(cache: Path) -> None:
    # Deliberate: the published package treated "data/upload/..." as a plain URL it could not fetch.
    assert would_be("data/upload/12/abc-img.png", cache) == RECORDED_NAMES["/data/upload/12/abc-img.png"]


def test_sub_path_install_urls_are_recognised(server: LocalServer, cache: Path) -> None:
    # label-studio-sdk#575: a server under /label-studio/ hands out /label-studio/data/upload/... URLs.
    server.route("/label-studio/storage-data/uploaded/", send(b"sub-path"))
    for hostname in (server.url, server.url + "/label-studio", server.url + "/label-studio/"):
        path = io.get_local_path(
            "/label-studio/data/upload/12/img.png",
            cache_dir=str(cache),
            hostname=hostname,
            access_token=LEGACY_KEY,
        )
        assert Path(path).read_bytes() == b"sub-path"
        os.unlink(path)
    assert set(server.paths()) == {"/label-studio/storage-data/uploaded/?filepath=upload/12/img.png"}


# -- small helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "url", "expected"),
    [
        ("http://h:8080", "/data/x", "http://h:8080/data/x"),
        ("http://h:8080/", "data/x", "http://h:8080/data/x"),
        ("http://h/sub/", "/data/x", "http://h/sub/data/x"),
        ("http://h//", "//x", "http://h/x"),
    ],
)
def test_concat_urls(base: str, url: str, expected: str) -> None:
    assert io.concat_urls(base, url) == expected


def test_encode_presign_fileuri_is_urlsafe_base64_with_padding() -> None:
    # recorded
    assert io.encode_presign_fileuri("s3://b/~~~?>>") == "czM6Ly9iL35-fj8-Pg=="
    assert io.encode_presign_fileuri("s3://bucket/dir/f ile?.jpg") == "czM6Ly9idWNrZXQvZGlyL2YgaWxlPy5qcGc="
    assert io.encode_presign_fileuri("gs://b/\u00e9.png") == "Z3M6Ly9iL8OpLnBuZw=="


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3://x", True),
        ("s3:x", True),
        ("gs://x", True),
        ("azure-blob://x", True),
        ("S3://x", False),
        ("azure://x", False),
        ("gcs://x", False),
        ("http://s3://x", False),
        ("s3", False),
    ],
)
def test_is_cloud_storage_uri(url: str, expected: bool) -> None:
    assert io.is_cloud_storage_uri(url) is expected


def test_is_jwt_well_formed() -> None:
    assert io.is_jwt_well_formed(make_jwt({"token_type": "refresh"}))
    assert io.is_jwt_well_formed("eyJ4IjogMX0.e30.sig")  # any JSON object header (recorded)
    assert not io.is_jwt_well_formed("eyJhbGciOiJIUzI1NiJ9.e30.x")  # "x" is not base64url (recorded)
    assert not io.is_jwt_well_formed("a.b.c")
    assert not io.is_jwt_well_formed(LEGACY_KEY)
    assert not io.is_jwt_well_formed("")


def test_user_folders_match_appdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = os.path.expanduser("~")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert io._user_data_dir("linux") == os.path.join(home, ".local", "share", "label-studio")
    assert io._user_cache_dir("linux") == os.path.join(home, ".cache", "label-studio")
    monkeypatch.setenv("XDG_DATA_HOME", "/xdg/data")
    monkeypatch.setenv("XDG_CACHE_HOME", "/xdg/cache")
    assert io._user_data_dir("linux") == "/xdg/data/label-studio"
    assert io._user_cache_dir("linux") == "/xdg/cache/label-studio"
    monkeypatch.setenv("XDG_DATA_HOME", "")  # empty means unset (appdirs would give a relative path)
    assert io._user_data_dir("linux") == os.path.join(home, ".local", "share", "label-studio")
    assert io._user_data_dir("darwin") == os.path.join(home, "Library", "Application Support", "label-studio")
    assert io._user_cache_dir("darwin") == os.path.join(home, "Library", "Caches", "label-studio")
    monkeypatch.setenv("LOCALAPPDATA", "/W/Local")
    assert io._user_data_dir("win32") == os.path.join("/W/Local", "label-studio", "label-studio")
    assert io._user_cache_dir("win32") == os.path.join("/W/Local", "label-studio", "label-studio", "Cache")

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert io.get_data_dir() == str(tmp_path / "data" / "label-studio")
    assert io.get_cache_dir() == str(tmp_path / "cache" / "label-studio")
    assert (tmp_path / "data" / "label-studio").is_dir() and (tmp_path / "cache" / "label-studio").is_dir()


def test_get_temp_dir_is_removed_even_when_the_block_raises() -> None:
    with io.get_temp_dir() as kept:
        assert os.path.isdir(kept)
    assert not os.path.exists(kept)
    with pytest.raises(RuntimeError), io.get_temp_dir() as failed:
        Path(failed, "f").write_text("x")
        raise RuntimeError("boom")
    assert not os.path.exists(failed)


def test_get_all_files_from_dir_lists_top_level_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.txt").write_text("c")
    assert io.get_all_files_from_dir(str(tmp_path)) == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]


def test_importing_the_module_stays_cheap() -> None:
    code = (
        "import sys; import label_studio_sdk._extensions.label_studio_tools.core.utils.io; "
        "print('httpx' in sys.modules, 'pydantic' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "False"]


# -- local files ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_path", "expected"),
    [("a/b.png", "a/b.png"), ("./a//b.png", "a/b.png"), ("", "")],
)
def test_safe_build_path_inside(tmp_path: Path, user_path: str, expected: str) -> None:
    assert io.safe_build_path(str(tmp_path), user_path) == os.path.normpath(os.path.join(tmp_path, expected))


@pytest.mark.parametrize("user_path", ["../x", "/etc/passwd", "a/../../x", "a\x00b"])
def test_safe_build_path_refuses_to_leave_the_base(tmp_path: Path, user_path: str) -> None:
    with pytest.raises(ValueError, match="Invalid path"):
        io.safe_build_path(str(tmp_path), user_path)


@pytest.fixture
def document_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "b c.png").write_bytes(b"local file")
    monkeypatch.setenv("LOCAL_FILES_DOCUMENT_ROOT", str(root))
    return root


def test_resolve_local_storage_file_with_a_document_root(
    document_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = str(document_root / "a" / "b c.png")
    assert io.resolve_local_storage_file("/data/local-files/?d=a/b%20c.png") == expected
    assert io.resolve_local_storage_file("/data/local-files/?d=a/b+c.png") == expected  # + is a space
    assert io.resolve_local_storage_file("/data/local-files/?d=nope&d=a/b%20c.png") == expected  # last d wins
    assert io.resolve_local_storage_file("/data/local-files/?d=a%2Fb%2520c.png") == str(
        document_root / "a" / "b%20c.png"
    )
    assert io.resolve_local_storage_file("/data/local-files/?d=/etc/passwd") == str(
        document_root / "etc" / "passwd"
    )
    with pytest.raises(ValueError, match="Invalid path"):
        io.resolve_local_storage_file("/data/local-files/?d=../x")
    monkeypatch.setenv("LOCAL_FILES_DOCUMENT_ROOT", "/")
    assert io.resolve_local_storage_file("/data/local-files/?d=a/b.png") is None
    monkeypatch.delenv("LOCAL_FILES_DOCUMENT_ROOT")
    monkeypatch.setenv("HEARTEX_LOCAL_FILES_DOCUMENT_ROOT", str(document_root))
    assert io.resolve_local_storage_file("/data/local-files/?d=a/b%20c.png") == expected


def test_resolve_local_storage_file_without_d_or_root() -> None:
    assert io.resolve_local_storage_file("/data/local-files/?d=a.png") is None
    with pytest.raises(FileNotFoundError, match="no file path"):
        io.resolve_local_storage_file("/data/local-files/?x=1")


def test_an_installed_resolver_decides(tmp_path: Path, cache: Path) -> None:
    (tmp_path / "b c.png").write_bytes(b"resolved")

    def resolver(d: str) -> Optional[str]:
        return str(tmp_path / os.path.basename(d)) if d.startswith("a/") else None

    with io.local_files_resolver(resolver):
        assert io.resolve_local_storage_file("/data/local-files/?d=a/b%20c.png") == str(tmp_path / "b c.png")
        path = io.get_local_path("/data/local-files/?d=a/b%20c.png", cache_dir=str(cache), hostname=HOST)
        assert os.path.relpath(path, cache) == "4d3fe6dd__b c.png"  # recorded: md5 of the URL
        assert Path(path).read_bytes() == b"resolved"
        with pytest.raises(FileNotFoundError, match="not available: zzz"):
            io.get_local_path("/data/local-files/?d=zzz", cache_dir=str(cache), hostname=HOST)
    assert io.resolve_local_storage_file("/data/local-files/?d=a/b%20c.png") is None  # reset after the block


def test_local_storage_file_is_used_or_copied_into_the_cache(document_root: Path, cache: Path) -> None:
    url = "/data/local-files/?d=a/b%20c.png"
    original = str(document_root / "a" / "b c.png")
    assert io.get_local_path(url, cache_dir=str(cache), download_resources=False) == original
    copied = io.get_local_path(url, cache_dir=str(cache))
    assert os.path.relpath(copied, cache) == "4d3fe6dd__b c.png"  # recorded
    assert Path(copied).read_bytes() == b"local file"
    with pytest.raises(ValueError, match="Invalid path"):
        io.get_local_path("/data/local-files/?d=../secret", cache_dir=str(cache), download_resources=False)


def test_uploaded_file_found_under_image_dir_or_project_dir(tmp_path: Path, cache: Path) -> None:
    images = tmp_path / "media" / "upload"
    (images / "12").mkdir(parents=True)
    (images / "12" / "f.png").write_bytes(b"uploaded")
    (images / "abc").mkdir()
    (images / "abc" / "f.png").write_bytes(b"not a project")
    project = tmp_path / "project"
    (project / "upload" / "3").mkdir(parents=True)
    (project / "upload" / "3" / "g.png").write_bytes(b"project upload")

    path = io.get_local_path(
        "/data/upload/12/f.png", cache_dir=str(cache), image_dir=str(images), download_resources=False
    )
    assert path == str(images / "12" / "f.png") and not cache.exists()
    assert io.get_local_path("/data/upload/12/f.png", cache_dir=str(cache), image_dir=str(images)) == path
    assert (cache / "f.png").read_bytes() == b"uploaded"  # copied for exports that collect files in the cache
    assert io.get_local_path("upload/3/g.png", project_dir=str(project), download_resources=False) == str(
        project / "upload" / "3" / "g.png"
    )
    with pytest.raises(FileNotFoundError, match="no hostname"):  # only numeric project folders count
        io.get_local_path("/data/upload/abc/f.png", image_dir=str(images), download_resources=False)
    with pytest.raises(ValueError, match="Invalid path"):
        io.get_local_path(
            "/data/upload/12/../../../etc/passwd", image_dir=str(images), download_resources=False
        )


# -- errors -------------------------------------------------------------------------------------------


def test_server_files_need_a_hostname_then_a_key(cache: Path) -> None:
    for url in (
        "/data/upload/1/a.png",
        "/data/local-files/?d=x.png",
        "/storage-data/uploaded/?filepath=upload/1/x.png",
    ):
        with pytest.raises(FileNotFoundError, match="LABEL_STUDIO_URL") as no_host:
            io.get_local_path(url, cache_dir=str(cache), download_resources=False)
        assert isinstance(no_host.value, LabelStudioError)
        with pytest.raises(FileNotFoundError, match="LABEL_STUDIO_API_KEY"):
            io.get_local_path(url, cache_dir=str(cache), hostname=HOST, download_resources=False)


def test_hostname_and_key_fall_back_to_the_environment(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    monkeypatch.setenv("LABEL_STUDIO_HOST", HOST)
    monkeypatch.setenv("LABEL_STUDIO_ACCESS_TOKEN", LEGACY_KEY)
    assert (
        would_be("/data/upload/12/abc-img.png", cache, hostname=None, access_token=None)
        == "7ea7da98__abc-img.png"
    )
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://h/sub")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", LEGACY_KEY)
    assert (
        would_be("/data/upload/12/abc-img.png", cache, hostname=None, access_token=None)
        == "1c9f8266__abc-img.png"
    )


def test_hostname_without_scheme_says_what_to_do(cache: Path) -> None:
    with pytest.raises(
        ValueError, match=r"hostname='http://h:8080'.*LABEL_STUDIO_URL=http://h:8080"
    ) as caught:
        io.get_local_path("http://x/y.png", cache_dir=str(cache), hostname="h:8080", download_resources=False)
    assert isinstance(caught.value, LabelStudioError)
    # Scheme case and surrounding spaces are accepted.
    assert (
        would_be("s3://bucket/dir/file.jpg", cache, hostname=" HTTPS://h ")
        == RECORDED_NAMES["s3://bucket/dir/file.jpg"]
    )


def test_cloud_files_need_a_task_id(cache: Path) -> None:
    with pytest.raises(ValueError, match="Task ID is required"):
        io.get_local_path(
            "s3://b/k.png", cache_dir=str(cache), hostname=HOST, access_token="k", download_resources=False
        )


def test_localhost_hostname_warns_once(caplog: pytest.LogCaptureFixture, cache: Path) -> None:
    io._warned_localhost.discard("http://localhost:18080")
    for _ in range(3):
        would_be("/data/upload/1/a.png", cache, hostname="http://localhost:18080")
    assert sum("Docker" in record.getMessage() for record in caplog.records) == 1


def test_unrecognised_forms_are_a_clear_error_when_downloading(cache: Path) -> None:
    assert would_be("/some/local/path.png", cache) == "37df418e__path.png"  # recorded, when not downloading
    with pytest.raises(ValueError, match="not an http\\(s\\) URL nor a Label Studio path"):
        io.get_local_path("/some/local/path.png", cache_dir=str(cache), hostname=HOST)
    assert not cache.exists() or not list(cache.iterdir())


# -- hostile names never leave the cache folder ---------------------------------------------------------

HOSTILE = [
    "s3://bucket/..\\..\\evil.png",
    "/data/local-files/?d=..%5C..%5Cevil.png",
    "/data/local-files/?d=x/..",
    "/storage-data/uploaded/?filepath=..",
    "http://x.com/a%00b/evil%00.png",
    "http://x.com/" + "n" * 1000 + ".png",
    "gs://bucket/" + "\u00e9" * 400 + ".jpeg",
    "http://x.com/tab\there.png",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_names_stay_directly_inside_the_cache(url: str, cache: Path) -> None:
    path = io.get_local_path(
        url, cache_dir=str(cache), hostname=HOST, access_token="k", task_id=1, download_resources=False
    )
    assert os.path.dirname(path) == str(cache)
    name = os.path.basename(path)
    assert "/" not in name and "\\" not in name and "\x00" not in name and "\t" not in name
    assert name not in ("", ".", "..") and len(name.encode()) <= 255


def test_long_names_keep_their_extension(cache: Path) -> None:
    name = would_be("http://x.com/" + "n" * 1000 + ".png", cache)
    assert name.endswith(".png") and len(name.encode()) <= 220


def test_build_cache_path_cleans_the_file_name(tmp_path: Path) -> None:
    assert io._build_cache_path(str(tmp_path), "http://h/a", "n.png") == str(
        tmp_path / "2ce72765__n.png"
    )  # recorded
    assert io._build_cache_path(str(tmp_path), "http://h/a", "../../n.png") == str(
        tmp_path / "2ce72765__n.png"
    )


def test_windows_file_names_lose_reserved_characters() -> None:
    assert io._safe_filename('a<b>:c"d|e?f*.png. ', windows=True) == "a_b__c_d_e_f_.png"
    assert io._safe_filename("a?b.png", windows=False) == "a?b.png"
    assert io._safe_filename("..", windows=False) == "__"


# -- downloads over real HTTP -------------------------------------------------------------------------


def test_upload_goes_through_the_storage_proxy_with_a_legacy_token(server: LocalServer, cache: Path) -> None:
    server.route("/storage-data/uploaded/", send(b"proxied bytes"))
    path = io.get_local_path(
        "/data/upload/1/a.png", cache_dir=str(cache), hostname=server.url, access_token=LEGACY_KEY
    )
    assert Path(path).read_bytes() == b"proxied bytes"
    request = server.requests[0]
    assert request.path == "/storage-data/uploaded/?filepath=upload/1/a.png"
    assert request.headers["authorization"] == "Token " + LEGACY_KEY
    assert request.headers["user-agent"].startswith("Mozilla/5.0")
    # Cached: a second call does not ask the server again.
    assert (
        io.get_local_path(
            "/data/upload/1/a.png", cache_dir=str(cache), hostname=server.url, access_token=LEGACY_KEY
        )
        == path
    )
    assert len(server.requests) == 1


def test_proxy_error_falls_back_to_the_legacy_upload_url(server: LocalServer, cache: Path) -> None:
    server.route("/storage-data/uploaded/", send(b"no", status=404))
    server.route("/data/upload/1/b.png", send(b"legacy bytes"))
    path = io.get_local_path(
        "/data/upload/1/b.png", cache_dir=str(cache), hostname=server.url, access_token=LEGACY_KEY
    )
    assert Path(path).read_bytes() == b"legacy bytes"
    assert server.paths() == ["/storage-data/uploaded/?filepath=upload/1/b.png", "/data/upload/1/b.png"]


def test_when_both_fail_the_proxy_error_is_raised(server: LocalServer, cache: Path) -> None:
    server.route("/storage-data/uploaded/", send(b"no", status=403))
    with pytest.raises(io.DownloadError) as caught:
        io.get_local_path(
            "/data/upload/1/c.png", cache_dir=str(cache), hostname=server.url, access_token=LEGACY_KEY
        )
    assert caught.value.status_code == 403
    assert "/storage-data/uploaded/?filepath=upload/1/c.png" in str(caught.value)
    assert LEGACY_KEY not in str(caught.value) and LEGACY_KEY not in repr(caught.value)
    assert not list(cache.iterdir())


def test_local_storage_and_cloud_files_come_from_the_server(server: LocalServer, cache: Path) -> None:
    server.route("/data/local-files/", send(b"local storage bytes"))
    server.route("/tasks/5/presign/", send(b"cloud bytes"))
    local = io.get_local_path(
        "/data/local-files/?d=x/y.png", cache_dir=str(cache), hostname=server.url, access_token="k"
    )
    cloud = io.get_local_path(
        "s3://bucket/k.png", cache_dir=str(cache), hostname=server.url, access_token="k", task_id=5
    )
    assert Path(local).read_bytes() == b"local storage bytes"
    assert Path(cloud).read_bytes() == b"cloud bytes"
    assert os.path.basename(cloud) == "e7711b7f__k.png"  # recorded: md5 of the cloud URI, not of the URL
    assert server.paths() == [
        "/data/local-files/?d=x/y.png",
        "/tasks/5/presign/?fileuri=czM6Ly9idWNrZXQvay5wbmc=",
    ]


def test_the_key_goes_only_to_the_label_studio_host(
    server: LocalServer, other_server: LocalServer, cache: Path
) -> None:
    other_server.route("/plain.png", send(b"elsewhere"))
    io.get_local_path(
        other_server.url + "/plain.png", cache_dir=str(cache), hostname=server.url, access_token=LEGACY_KEY
    )
    assert "authorization" not in other_server.requests[0].headers
    server.route("/mine.png", send(b"mine"))
    io.get_local_path(
        server.url + "/mine.png", cache_dir=str(cache), hostname=server.url, access_token=LEGACY_KEY
    )
    assert server.requests[0].headers["authorization"] == "Token " + LEGACY_KEY


def test_presigned_redirect_to_another_host_drops_the_key(
    server: LocalServer, other_server: LocalServer, cache: Path
) -> None:
    signed = "/bucket/k.png?X-Amz-Signature=secret-signature"
    server.route("/tasks/9/presign/", redirect(other_server.url + signed))
    other_server.route("/bucket/k.png", redirect(server.url + "/back.png"))  # and back again: still no key
    server.route("/back.png", send(b"object bytes"))
    path = io.get_local_path(
        "s3://bucket/k.png", cache_dir=str(cache), hostname=server.url, access_token=LEGACY_KEY, task_id=9
    )
    assert Path(path).read_bytes() == b"object bytes"
    assert server.requests[0].headers["authorization"] == "Token " + LEGACY_KEY
    assert other_server.requests[0].path == signed
    assert "authorization" not in other_server.requests[0].headers
    assert "authorization" not in server.requests[1].headers


def test_errors_on_another_host_do_not_show_its_signed_query(
    server: LocalServer, other_server: LocalServer, cache: Path
) -> None:
    server.route("/tasks/9/presign/", redirect(other_server.url + "/k.png?X-Amz-Signature=secret-signature"))
    other_server.route("/k.png", send(b"denied", status=403))
    with pytest.raises(io.DownloadError, match="HTTP 403") as caught:
        io.get_local_path(
            "s3://bucket/k.png", cache_dir=str(cache), hostname=server.url, access_token=LEGACY_KEY, task_id=9
        )
    assert "secret-signature" not in str(caught.value) and LEGACY_KEY not in str(caught.value)
    assert isinstance(caught.value, OSError) and isinstance(caught.value, LabelStudioError)


def test_build_headers_compares_scheme_host_and_port() -> None:
    def authorized(target: str, hostname: Optional[str]) -> bool:
        return "Authorization" in io._build_headers(target, hostname, LEGACY_KEY)

    assert authorized("http://h:8080/data/x", "http://h:8080")
    assert authorized("http://H/data/x", "http://h")  # host names are case-insensitive
    assert authorized("http://h:80/data/x", "http://h")  # the default port is the same port
    assert not authorized("https://h/data/x", "http://h")
    assert not authorized("http://h:8081/data/x", "http://h:8080")
    assert not authorized("http://evil/data/x", "http://h")
    assert not authorized("http://h/data/x", None)
    assert io._build_headers("http://h/x", "http://h", None) == {"User-Agent": io._USER_AGENT}
    access = make_jwt({"token_type": "access"})
    assert io._build_headers("http://h/x", "http://h", access)["Authorization"] == "Bearer " + access


def test_personal_access_token_is_exchanged_and_reused(
    server: LocalServer, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(io, "_clock", lambda: now[0])
    refresh = make_jwt({"token_type": "refresh", "exp": 9_999_999_999})
    issued: List[str] = []

    def exchange(handler: BaseHTTPRequestHandler) -> None:
        issued.append(make_jwt({"token_type": "access", "exp": now[0] + 300, "n": len(issued)}))
        send(json.dumps({"access": issued[-1]}).encode(), headers={"Content-Type": "application/json"})(
            handler
        )

    server.route("/api/token/refresh/", exchange)
    server.route("/storage-data/uploaded/", send(b"ok"))
    for name in ("a", "b"):
        io.get_local_path(
            f"/data/upload/1/{name}.png", cache_dir=str(cache), hostname=server.url, access_token=refresh
        )
    now[0] += 290  # inside the renewal margin before expiry
    io.get_local_path("/data/upload/1/c.png", cache_dir=str(cache), hostname=server.url, access_token=refresh)

    posts = [request for request in server.requests if request.method == "POST"]
    assert len(posts) == 2
    assert json.loads(posts[0].body) == {"refresh": refresh}
    gets = [request for request in server.requests if request.method == "GET"]
    assert [request.headers["authorization"] for request in gets] == [
        "Bearer " + issued[0],
        "Bearer " + issued[0],
        "Bearer " + issued[1],
    ]
    assert all(refresh not in request.headers.get("authorization", "") for request in gets)


def test_a_failed_exchange_is_a_clear_error_without_the_token(server: LocalServer, cache: Path) -> None:
    refresh = make_jwt({"token_type": "refresh"})
    server.route("/api/token/refresh/", send(b'{"detail": "Token is blacklisted"}', status=401))
    with pytest.raises(io.TokenExchangeError, match=r"HTTP 401.*expired or revoked") as caught:
        io.get_local_path(
            "/data/upload/1/a.png", cache_dir=str(cache), hostname=server.url, access_token=refresh
        )
    assert caught.value.status_code == 401
    assert refresh not in str(caught.value)
    assert [request.method for request in server.requests] == ["POST"]  # no download with a bad token
    assert not list(cache.iterdir())


def test_download_is_streamed_to_a_temporary_file_then_renamed(server: LocalServer, cache: Path) -> None:
    first_chunk_sent = threading.Event()

    def gated(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(2 * 70_000))
        handler.end_headers()
        handler.wfile.write(b"a" * 70_000)
        handler.wfile.flush()
        first_chunk_sent.set()
        server.release.wait(10)
        handler.wfile.write(b"b" * 70_000)

    server.route("/big.bin", gated)
    result: Dict[str, Any] = {}
    worker = threading.Thread(
        target=lambda: result.setdefault(
            "path", io.get_local_path(server.url + "/big.bin", cache_dir=str(cache))
        )
    )
    worker.start()
    assert first_chunk_sent.wait(5)
    deadline = time.monotonic() + 5
    partial: List[Path] = []
    while time.monotonic() < deadline:
        partial = [p for p in cache.glob(".partial-*") if p.stat().st_size > 0] if cache.exists() else []
        if partial:
            break
        time.sleep(0.01)
    assert partial, "the first bytes should be on disk before the body ends"
    assert not list(cache.glob("*__big.bin"))  # the final name appears only when complete
    server.release.set()
    worker.join(10)
    assert Path(result["path"]).read_bytes() == b"a" * 70_000 + b"b" * 70_000
    assert [p.name for p in cache.iterdir()] == [os.path.basename(result["path"])]


def test_a_cut_off_download_leaves_nothing(server: LocalServer, cache: Path) -> None:
    server.route("/cut.png", truncated(1000, b"only ten b"))
    with pytest.raises(io.DownloadError, match=re.escape("/cut.png")):
        io.get_local_path(server.url + "/cut.png", cache_dir=str(cache))
    assert list(cache.iterdir()) == []


def test_http_errors_name_the_url_and_leave_nothing(server: LocalServer, cache: Path) -> None:
    with pytest.raises(io.DownloadError) as caught:
        io.get_local_path(
            server.url + "/missing.png?v=1",
            cache_dir=str(cache),
            hostname=server.url,
            access_token=LEGACY_KEY,
        )
    error = caught.value
    assert error.status_code == 404 and isinstance(error, OSError)
    assert f"{server.url}/missing.png?v=1" in str(error) and LEGACY_KEY not in str(error)
    assert list(cache.iterdir()) == []


def test_a_hanging_server_times_out(
    server: LocalServer, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_DOWNLOAD_TIMEOUT", "0.3")
    server.route("/slow.png", lambda handler: server.release.wait(10) and None)
    started = time.monotonic()
    with pytest.raises(io.DownloadError, match=re.escape("timed out after 0.3 s")):
        io.get_local_path(server.url + "/slow.png", cache_dir=str(cache))
    assert time.monotonic() - started < 5
    assert list(cache.iterdir()) == []


def test_connection_failures_are_download_errors(cache: Path) -> None:
    with pytest.raises(io.DownloadError, match=re.escape("127.0.0.1:9/x.png")):
        io.get_local_path("http://127.0.0.1:9/x.png", cache_dir=str(cache))


def test_timeout_and_verify_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert io._download_timeout() == 60.0
    monkeypatch.setenv("LABEL_STUDIO_DOWNLOAD_TIMEOUT", "2.5")
    assert io._download_timeout() == 2.5
    monkeypatch.setenv("LABEL_STUDIO_DOWNLOAD_TIMEOUT", "soon")
    assert io._download_timeout() == 60.0
    assert io._verify_ssl() is True
    monkeypatch.setenv("VERIFY_SSL", "false")
    assert io._verify_ssl() is False


def test_get_base64_content(server: LocalServer) -> None:
    server.route("/data/upload/1/a.png", send(b"image bytes"))
    content = io.get_base64_content("/data/upload/1/a.png", hostname=server.url, access_token=LEGACY_KEY)
    assert base64.b64decode(content) == b"image bytes"
    assert server.requests[0].headers["authorization"] == "Token " + LEGACY_KEY
    with pytest.raises(ValueError, match="Task ID"):
        io.get_base64_content("s3://b/k", hostname=server.url, access_token=LEGACY_KEY)
    with pytest.raises(FileNotFoundError, match="no hostname"):
        io.get_base64_content("/data/upload/1/a.png", access_token=LEGACY_KEY)


def test_get_base64_content_reads_local_storage_from_disk(document_root: Path) -> None:
    content = io.get_base64_content("/data/local-files/?d=a/b%20c.png")
    assert base64.b64decode(content) == b"local file"


def test_http_get_without_a_session_uses_httpx_and_follows_redirects(server: LocalServer) -> None:
    server.route("/moved", redirect("/here"))
    server.route("/here", send(b"arrived"))
    response = io.http_get(server.url + "/moved", stream=True, headers={"X-Test": "1"})
    assert isinstance(response, httpx.Response)
    assert response.content == b"arrived"
    assert server.requests[0].headers["x-test"] == "1"


# -- an installed requests-like session ---------------------------------------------------------------


class FakeResponse:
    """What the requests API offers: status_code, headers, iter_content, close."""

    def __init__(self, status_code: int, body: bytes = b"", headers: Optional[Dict[str, str]] = None) -> None:
        self.status_code = status_code
        self.headers = headers or {}
        self.body = body
        self.closed = False
        self.chunk_sizes: List[int] = []

    def iter_content(self, chunk_size: int = 1) -> Iterator[bytes]:
        self.chunk_sizes.append(chunk_size)
        for start in range(0, len(self.body), 4):
            yield self.body[start : start + 4]

    def json(self) -> Any:
        return json.loads(self.body)

    def close(self) -> None:
        self.closed = True


class FakeSession:
    """Serves bytes from memory and records how it was called."""

    def __init__(self, answers: Dict[str, FakeResponse]) -> None:
        self.answers = answers
        self.calls: List[Tuple[str, str, Dict[str, Any]]] = []

    def get(self, url: str, **kwargs: Any) -> FakeResponse:
        self.calls.append(("GET", url, kwargs))
        return self.answers.get(url) or FakeResponse(404)

    def post(self, url: str, **kwargs: Any) -> FakeResponse:
        self.calls.append(("POST", url, kwargs))
        return self.answers[url]


def test_an_installed_session_is_used_with_the_requests_api(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VERIFY_SSL", "false")
    presign = f"{HOST}/tasks/3/presign/?fileuri={io.encode_presign_fileuri('s3://b/k.png')}"
    body = b"0123456789" * 3
    final = FakeResponse(200, body)
    session = FakeSession(
        {
            presign: FakeResponse(302, headers={"location": "https://bucket.example/k.png?sig=s"}),
            "https://bucket.example/k.png?sig=s": final,
        }
    )
    with io.http_session(session):
        path = io.get_local_path(
            "s3://b/k.png", cache_dir=str(cache), hostname=HOST, access_token=LEGACY_KEY, task_id=3
        )
    assert Path(path).read_bytes() == body
    (_, first_url, first), (_, second_url, second) = session.calls
    assert (first_url, second_url) == (presign, "https://bucket.example/k.png?sig=s")
    assert first["headers"]["Authorization"] == "Token " + LEGACY_KEY
    assert "Authorization" not in second["headers"]
    assert first["stream"] is True and first["allow_redirects"] is False
    assert first["verify"] is False and first["timeout"] == 60.0
    assert final.chunk_sizes == [io._CHUNK_SIZE] and final.closed
    # Outside the block, the session is no longer used.
    assert io._http_session.get() is None


def test_an_installed_session_exchanges_personal_access_tokens(cache: Path) -> None:
    refresh = make_jwt({"token_type": "refresh"})
    access = make_jwt({"token_type": "access"})
    session = FakeSession(
        {
            f"{HOST}/api/token/refresh/": FakeResponse(200, json.dumps({"access": access}).encode()),
            f"{HOST}/storage-data/uploaded/?filepath=upload/1/a.png": FakeResponse(200, b"via session"),
        }
    )
    with io.http_session(session):
        path = io.get_local_path(
            "/data/upload/1/a.png", cache_dir=str(cache), hostname=HOST, access_token=refresh
        )
    assert Path(path).read_bytes() == b"via session"
    assert [call[0] for call in session.calls] == ["POST", "GET"]
    assert session.calls[0][2]["json"] == {"refresh": refresh}
    assert session.calls[1][2]["headers"]["Authorization"] == "Bearer " + access


def test_session_transport_errors_become_download_errors(cache: Path) -> None:
    class Broken(FakeSession):
        def get(self, url: str, **kwargs: Any) -> FakeResponse:
            raise ConnectionError("connection reset by peer")

    with io.http_session(Broken({})), pytest.raises(io.DownloadError, match="connection reset"):
        io.get_local_path("http://files.example/a.png", cache_dir=str(cache))
    assert not cache.exists() or list(cache.iterdir()) == []


def test_http_get_with_a_session_passes_everything_through() -> None:
    session = FakeSession({"http://x/y": FakeResponse(200, b"y")})
    with io.http_session(session):
        response = io.http_get("http://x/y", headers={"a": "b"}, timeout=3)
    assert response.body == b"y"
    assert session.calls == [("GET", "http://x/y", {"headers": {"a": "b"}, "timeout": 3})]
