"""``label_studio_sdk.core.api_error.ApiError``: the import path earlier SDK releases used for API errors.

It is the same class as ``label_studio_sdk.ApiError`` (``label_studio_sdk.core.errors``), not a copy.
"""

from label_studio_sdk.core.errors import ApiError

__all__ = ["ApiError"]
