"""Uploads (what a file argument may be) and streamed downloads (bytes that never sit in memory whole).

The upload helpers are in ``core/_uploads.py``; ``AsyncByteStream`` is written in
``core/_async/stream.py`` and ``ByteStream`` is its generated sync twin.
"""

from ._async.stream import DEFAULT_CHUNK_SIZE, AsyncByteStream
from ._sync.stream import ByteStream
from ._uploads import File, FileContent, HttpxFile, one_field_per_file, to_httpx_files

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "AsyncByteStream",
    "ByteStream",
    "File",
    "FileContent",
    "HttpxFile",
    "one_field_per_file",
    "to_httpx_files",
]
