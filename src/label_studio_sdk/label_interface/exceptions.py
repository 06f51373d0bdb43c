"""Exceptions about labeling configs.

One class per meaning: ``label_studio_sdk._legacy.exceptions`` and
``label_studio_sdk._extensions.label_studio_tools.core.utils.exceptions`` (the import paths the Label
Studio server catches them at) export these same classes (the published package had two unrelated ``LabelStudioXMLSyntaxErrorSentryIgnored``
classes, so the server answered 500 instead of 400 for syntax errors found by ``LabelInterface``).
All are ``ValueError``s and ``LabelStudioError``s.
"""

from __future__ import annotations

from label_studio_sdk.core.errors import LabelStudioError


class LabelConfigError(LabelStudioError, ValueError):
    """A labeling config, or a prediction or annotation checked against one, is not acceptable."""


class LSConfigParseException(LabelConfigError):
    """A labeling config could not be read."""


class LabelStudioXMLSyntaxErrorSentryIgnored(LSConfigParseException):
    """The labeling config is not well-formed XML, or uses XML features configs may not use."""


class LabelStudioValidationErrorSentryIgnored(LabelConfigError):
    """The labeling config is well-formed but not valid (unknown toName, duplicate names, bad attributes)."""


__all__ = [
    "LSConfigParseException",
    "LabelConfigError",
    "LabelStudioValidationErrorSentryIgnored",
    "LabelStudioXMLSyntaxErrorSentryIgnored",
]
