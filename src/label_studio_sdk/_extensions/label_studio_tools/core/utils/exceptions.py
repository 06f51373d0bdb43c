"""The labeling-config exceptions at the import path the Label Studio server checks.

These are the very classes of ``label_studio_sdk.label_interface.exceptions`` (one class per meaning), so the
server's handler answers 400 for a syntax error whether ``parse_config`` or ``LabelInterface`` found it.
"""

from __future__ import annotations

from label_studio_sdk.label_interface.exceptions import (
    LabelConfigError,
    LabelStudioValidationErrorSentryIgnored,
    LabelStudioXMLSyntaxErrorSentryIgnored,
    LSConfigParseException,
)

__all__ = [
    "LSConfigParseException",
    "LabelConfigError",
    "LabelStudioValidationErrorSentryIgnored",
    "LabelStudioXMLSyntaxErrorSentryIgnored",
]
