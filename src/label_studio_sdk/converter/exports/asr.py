"""The ASR_MANIFEST export: a NeMo-style speech manifest with the audio copied beside it.

``manifest.json`` holds one JSON object per line: ``audio_filepath`` (``audio/<file>``, relative to the
output folder), ``duration`` in seconds, ``text`` (the first text of the first TextArea answer) and
``annotator``. Durations are read from the file header with the standard library: WAV and FLAC. A task
whose audio cannot be had, or whose length cannot be read, is left out with a warning naming it.
"""

from __future__ import annotations

import json
import logging
import struct
import wave
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Tuple

from label_studio_sdk.converter.exports._output import PathLike, atomic_text, file_in_dir, safe_subdir
from label_studio_sdk.converter.exports.json_min import annotator_of
from label_studio_sdk.converter.items import Choose, ControlIndex, ParsedConfig, annotation_items
from label_studio_sdk.converter.media import MediaResolver, MediaSettings, OnError

logger: logging.Logger = logging.getLogger(__name__)

FILE_NAME = "manifest.json"
AUDIO_DIR = "audio"
_AUDIO_TYPES = ("Audio", "AudioPlus")


def _text_control(parsed_config: ParsedConfig) -> Tuple[str, str]:
    """``(TextArea control name, audio data key)`` of the first TextArea on an Audio object."""
    for name, control in parsed_config.items():
        if control.get("type") != "TextArea":
            continue
        for input_info in control.get("inputs") or ():
            if input_info.get("type") in _AUDIO_TYPES and input_info.get("value"):
                return name, str(input_info["value"])
    raise ValueError("ASR_MANIFEST needs a TextArea control on an Audio object")


def _flac_duration(path: Path) -> Optional[float]:
    with open(path, "rb") as handle:
        header = handle.read(42)
    # "fLaC", then the STREAMINFO block: sample rate (20 bits) and total samples (36 bits) at bytes 18..25.
    if len(header) < 26 or header[:4] != b"fLaC":
        return None
    packed = int.from_bytes(header[18:26], "big")
    sample_rate = packed >> 44
    total_samples = packed & ((1 << 36) - 1)
    if not sample_rate or not total_samples:
        return None
    return total_samples / sample_rate


def audio_duration(path: Path) -> Optional[float]:
    """The length in seconds of a WAV or FLAC file, or None when it is another kind or unreadable."""
    try:
        with wave.open(str(path), "rb") as audio:
            rate = audio.getframerate()
            return audio.getnframes() / rate if rate else None
    except (wave.Error, EOFError):
        pass
    except OSError:
        return None
    try:
        return _flac_duration(path)
    except (OSError, struct.error):
        return None


def _first_text(values: Any) -> Optional[str]:
    for value in values or ():
        texts = value.get("text") if isinstance(value, Mapping) else None
        if isinstance(texts, str):
            return texts
        if isinstance(texts, list) and texts:
            return str(texts[0])
    return None


def write_asr_manifest(
    tasks: Iterable[Mapping[str, Any]],
    parsed_config: ParsedConfig,
    output_dir: PathLike,
    *,
    media: MediaSettings,
    choose: Choose = "all",
    on_error: OnError = "skip",
) -> Path:
    """Write ``manifest.json`` and copy each task's audio into ``audio/``, several files at a time."""
    control_name, audio_key = _text_control(parsed_config)
    index = ControlIndex(parsed_config)
    path = file_in_dir(output_dir, FILE_NAME)
    audio_dir = safe_subdir(output_dir, AUDIO_DIR)
    resolver: MediaResolver[Mapping[str, Any]] = MediaResolver(media, copy_into=audio_dir, on_error=on_error)

    def audio_of(task: Mapping[str, Any]) -> Optional[Tuple[str, Any]]:
        data = task.get("data")
        url = data.get(audio_key) if isinstance(data, Mapping) else None
        if not isinstance(url, str) or not url:
            logger.warning("task %s has no audio under %r; it is left out", task.get("id"), audio_key)
            return None
        return url, task.get("id")

    with atomic_text(path) as out:
        for task, audio in resolver.resolve(tasks, audio_of):
            if audio is None or audio.path is None:
                continue
            duration = audio_duration(audio.path)
            if duration is None:
                logger.warning(
                    "task %s: cannot read the length of %s (WAV and FLAC are read); it is left out",
                    task.get("id"),
                    audio.url,
                )
                continue
            for item in annotation_items(task, index, choose=choose):
                text = _first_text(item["output"].get(control_name))
                if text is None:
                    continue
                line = {
                    "audio_filepath": f"{AUDIO_DIR}/{audio.name}",
                    "duration": duration,
                    "text": text,
                    # A user id is written as text here (earlier releases did so; JSON_MIN keeps the int).
                    "annotator": str(annotator_of(item["completed_by"])),
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return path
