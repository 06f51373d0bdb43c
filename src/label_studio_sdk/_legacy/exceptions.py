"""The labeling-config exceptions at the import path the Label Studio server catches them.

They are defined in ``label_studio_sdk.label_interface.exceptions``; this module only re-exports them.
"""

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
