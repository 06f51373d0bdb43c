"""Request bodies of the 0.x ``Project.connect_*_storage`` helpers (pure code, no HTTP).

Unlike 0.x, a value left at ``None`` is not sent at all (0.x sent ``null``, which some servers read
as "clear this field"): the server applies its own default. Keys are the keyword names of the
generated ``import_storage.<type>.create`` / ``export_storage.<type>.create`` methods.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, Optional, Union

CredentialsArg = Optional[Union[str, "os.PathLike[str]"]]


def without_none(**fields: Any) -> Dict[str, Any]:
    """The fields whose value is not None, in the given order."""
    return {name: value for name, value in fields.items() if value is not None}


def gcs_credentials(value: CredentialsArg) -> Optional[str]:
    """The Google credentials to send: None stays None (the field is then left out and the server
    uses its own ``GOOGLE_APPLICATION_CREDENTIALS``); a path to a file becomes the file's text; a
    JSON string is sent as it is.

    A path that does not exist raises ``FileNotFoundError`` instead of sending the path itself as
    if it were credentials (0.x did, and crashed outright on the default None).
    """
    if value is None:
        return None
    if isinstance(value, os.PathLike):
        path = Path(os.fspath(value))
        if not path.is_file():
            raise FileNotFoundError(f"google_application_credentials: no such file: {str(path)!r}")
        return path.read_text(encoding="utf-8")
    if not isinstance(value, str):
        raise TypeError(
            "google_application_credentials must be a path or the credentials JSON as a str, "
            f"got {type(value).__name__}"
        )
    text = value.strip()
    if text.startswith("{"):
        return value
    if text and os.path.isfile(text):
        return Path(text).read_text(encoding="utf-8")
    raise FileNotFoundError(
        "google_application_credentials is neither an existing file nor credentials JSON: "
        f"{value if len(value) < 200 else value[:200] + '...'!r}"
    )


def gcs_import(
    project: int,
    bucket: str,
    prefix: Optional[str],
    regex_filter: Optional[str],
    use_blob_urls: Optional[bool],
    google_application_credentials: CredentialsArg,
    presign: Optional[bool],
    presign_ttl: Optional[int],
    title: Optional[str],
    description: Optional[str],
) -> Dict[str, Any]:
    return without_none(
        project=project,
        bucket=bucket,
        prefix=prefix,
        regex_filter=regex_filter,
        use_blob_urls=use_blob_urls,
        google_application_credentials=gcs_credentials(google_application_credentials),
        presign=presign,
        presign_ttl=presign_ttl,
        title=title,
        description=description,
    )


def gcs_export(
    project: int,
    bucket: str,
    prefix: Optional[str],
    google_application_credentials: CredentialsArg,
    title: Optional[str],
    description: Optional[str],
    can_delete_objects: Optional[bool],
) -> Dict[str, Any]:
    return without_none(
        project=project,
        bucket=bucket,
        prefix=prefix,
        google_application_credentials=gcs_credentials(google_application_credentials),
        title=title,
        description=description,
        can_delete_objects=can_delete_objects,
    )


def s3_import(
    project: int,
    bucket: str,
    prefix: Optional[str],
    regex_filter: Optional[str],
    use_blob_urls: Optional[bool],
    presign: Optional[bool],
    presign_ttl: Optional[int],
    title: Optional[str],
    description: Optional[str],
    aws_access_key_id: Optional[str],
    aws_secret_access_key: Optional[str],
    aws_session_token: Optional[str],
    region_name: Optional[str],
    s3_endpoint: Optional[str],
) -> Dict[str, Any]:
    return without_none(
        project=project,
        bucket=bucket,
        prefix=prefix,
        regex_filter=regex_filter,
        use_blob_urls=use_blob_urls,
        aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key,
        aws_session_token=aws_session_token,
        region_name=region_name,
        s3endpoint=s3_endpoint,  # the generated keyword; sent on the wire as "s3_endpoint"
        presign=presign,
        presign_ttl=presign_ttl,
        title=title,
        description=description,
    )


def s3_export(
    project: int,
    bucket: str,
    prefix: Optional[str],
    title: Optional[str],
    description: Optional[str],
    aws_access_key_id: Optional[str],
    aws_secret_access_key: Optional[str],
    aws_session_token: Optional[str],
    region_name: Optional[str],
    s3_endpoint: Optional[str],
    can_delete_objects: Optional[bool],
) -> Dict[str, Any]:
    return without_none(
        project=project,
        bucket=bucket,
        prefix=prefix,
        aws_access_key_id=aws_access_key_id,
        aws_secret_access_key=aws_secret_access_key,
        aws_session_token=aws_session_token,
        region_name=region_name,
        s3endpoint=s3_endpoint,
        title=title,
        description=description,
        can_delete_objects=can_delete_objects,
    )


def azure_import(
    project: int,
    container: str,
    prefix: Optional[str],
    regex_filter: Optional[str],
    use_blob_urls: Optional[bool],
    presign: Optional[bool],
    presign_ttl: Optional[int],
    title: Optional[str],
    description: Optional[str],
    account_name: Optional[str],
    account_key: Optional[str],
) -> Dict[str, Any]:
    return without_none(
        project=project,
        container=container,
        prefix=prefix,
        regex_filter=regex_filter,
        use_blob_urls=use_blob_urls,
        account_name=account_name,
        account_key=account_key,
        presign=presign,
        presign_ttl=presign_ttl,
        title=title,
        description=description,
    )


def azure_export(
    project: int,
    container: str,
    prefix: Optional[str],
    title: Optional[str],
    description: Optional[str],
    account_name: Optional[str],
    account_key: Optional[str],
    can_delete_objects: Optional[bool],
) -> Dict[str, Any]:
    return without_none(
        project=project,
        container=container,
        prefix=prefix,
        account_name=account_name,
        account_key=account_key,
        title=title,
        description=description,
        can_delete_objects=can_delete_objects,
    )
