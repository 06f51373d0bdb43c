"""Label Studio JSON exports to and from other formats: ``Converter``, ``Format`` and the format modules."""

from label_studio_sdk.converter.converter import Converter
from label_studio_sdk.converter.formats import Format, FormatNotSupportedError, UnknownFormatError

__all__ = ["Converter", "Format", "FormatNotSupportedError", "UnknownFormatError"]
