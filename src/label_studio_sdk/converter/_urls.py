"""Image URLs for imported tasks: a root URL joined with a file's path, each part URL-quoted.

Label Studio serves local files at ``/data/local-files/?d=<path>``, where the path sits in the ``d``
query parameter, relative to ``LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT``. A root with a ``d`` parameter
gets the file path appended to that parameter's value; any other root gets it appended to its path.
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple
from urllib.parse import quote, unquote_plus

_SEPARATORS = re.compile(r"[\\/]")  # file paths may come from Windows (COCO file_name values often do)


def _segments(file_parts: Tuple[Optional[str], ...]) -> List[str]:
    segments: List[str] = []
    for part in file_parts:
        if part is None:
            continue
        if not isinstance(part, str):
            raise TypeError(f"file path parts must be strings, not {type(part).__name__}")
        segments.extend(segment for segment in _SEPARATORS.split(part) if segment)
    return segments


def _with_path_in_query(query: str, segments: List[str]) -> Optional[str]:
    """``query`` with the path ``segments`` appended to its first ``d`` parameter; None when it has no ``d``."""
    fields = query.split("&")
    for index, field in enumerate(fields):
        name, _, value = field.partition("=")
        if name != "d":
            continue
        # The folder is decoded first, so that a root already quoted (``im%20ages``) is not quoted twice.
        folder = unquote_plus(value).rstrip("/")
        path = "/".join(segments)
        joined = f"{folder}/{path}" if folder else path
        fields[index] = "d=" + quote(joined, safe="/")
        return "&".join(fields)
    return None


def join_input_url(root_url: str, *file_parts: Optional[str]) -> str:
    """``root_url`` followed by the file path ``file_parts`` (folders and file name, ``/`` or ``\\`` inside).

    Each path segment is URL-quoted (``a b.jpg`` gives ``a%20b.jpg``); the root is kept as written, but for
    the folder of a ``?d=`` query. A ValueError when the root or the path is empty.
    """
    if not isinstance(root_url, str) or not root_url.strip():
        raise ValueError("root_url must be a non-empty string")
    segments = _segments(file_parts)
    if not segments:
        raise ValueError("a file path is needed: every file path part is empty")
    rest, hash_mark, fragment = root_url.partition("#")
    base, question_mark, query = rest.partition("?")
    if question_mark:
        in_query = _with_path_in_query(query, segments)
        if in_query is not None:
            return f"{base}?{in_query}{hash_mark}{fragment}"
    path = "/".join(quote(segment, safe="") for segment in segments)
    return f"{base.rstrip('/')}/{path}{question_mark}{query}{hash_mark}{fragment}"
