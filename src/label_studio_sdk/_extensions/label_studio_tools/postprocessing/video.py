"""Filling in the frames between the keyframes of video rectangle tracks, for exports that want every frame.

A track (``type: videorectangle``) stores only keyframes. After each enabled keyframe, the frames up to the next
keyframe are interpolated linearly (x, y, width, height, rotation and time); after the last one, the box is held
until ``framesCount``. Generated frames carry ``auto: True``. A keyframe without ``enabled`` counts as enabled
and one without ``rotation`` as unrotated; any other missing key raises ``ValueError`` naming the region.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

_VIDEO_TRACKING_TYPES = frozenset({"videorectangle"})
_INTERPOLATED_KEYS = ("x", "y", "width", "height", "rotation")
_KEYFRAME_DEFAULTS: Mapping[str, Any] = {"enabled": True, "rotation": 0}
_REQUIRED_KEYS = ("frame", "x", "y", "width", "height", "time")
_TIME_DECIMALS = 2

Keyframe = Dict[str, Any]


def extract_key_frames(results: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """A new result list where every video track lists all its frames; other results pass through.

    Tracks with an empty sequence are dropped. The input is not modified.
    """
    expanded: List[Dict[str, Any]] = []
    for result in results:
        if str(result.get("type", "")).lower() not in _VIDEO_TRACKING_TYPES:
            expanded.append(result)
            continue
        track = _expand_track(result)
        if track is not None:
            expanded.append(track)
    return expanded


def _construct_result_from_frames(
    frame1: Keyframe,
    frame2: Keyframe,
    frameCount: int = 0,
    duration: float = 0,
    exclude_first: bool = True,
) -> List[Keyframe]:
    """The frames strictly between two keyframes, interpolated; none when ``frame1`` is disabled.

    ``frameCount`` and ``exclude_first`` are accepted for compatibility and, as in earlier releases, change nothing.
    """
    del frameCount, exclude_first
    start, end = _complete_keyframe(frame1, None, 0), _complete_keyframe(frame2, None, 1)
    if not start["enabled"]:
        return []
    return _interpolate(start, end, duration, include_end=False)


def _expand_track(result: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    region = result.get("id")
    value = result.get("value")
    if not isinstance(value, Mapping):
        raise ValueError(f"video region {region!r} has no 'value' object")
    sequence = value.get("sequence")
    if not isinstance(sequence, list):
        raise ValueError(f"video region {region!r} has no 'sequence' list in its value")
    if not sequence:
        return None
    keyframes = sorted(
        (_complete_keyframe(keyframe, region, index) for index, keyframe in enumerate(sequence)),
        key=lambda keyframe: keyframe["frame"],
    )
    frames_count = value.get("framesCount") or 0
    duration = value.get("duration") or 0
    frames: List[Keyframe] = []
    for index, keyframe in enumerate(keyframes):
        frames.append(keyframe)
        if not keyframe["enabled"]:
            continue
        if index + 1 < len(keyframes):
            frames.extend(_interpolate(keyframe, keyframes[index + 1], duration, include_end=False))
        else:
            # The last box is held to the end of the video, its time moving towards the duration.
            end = dict(keyframe, frame=frames_count)
            frames.extend(_interpolate(keyframe, end, duration, include_end=True))
    return {**result, "value": {**value, "sequence": frames}}


def _complete_keyframe(keyframe: Any, region: Any, index: int) -> Keyframe:
    if not isinstance(keyframe, Mapping):
        raise ValueError(f"video region {region!r}: keyframe {index} is not an object")
    completed = {**keyframe}
    for key, default in _KEYFRAME_DEFAULTS.items():
        completed.setdefault(key, default)
    for key in _REQUIRED_KEYS:
        if key not in completed:
            raise ValueError(f"video region {region!r}: keyframe {index} has no {key!r}")
    return completed


def _interpolate(start: Keyframe, end: Keyframe, duration: float, *, include_end: bool) -> List[Keyframe]:
    first, last = start["frame"], end["frame"]
    span = last - first
    end_time = end["time"]
    if end_time == start["time"] and duration > 0:
        # Keyframes that share a timestamp carry no timing information: spread the frames towards the duration.
        end_time = duration
    stop = last + 1 if include_end else last
    frames: List[Keyframe] = []
    for frame in range(first + 1, stop):
        fraction = (frame - first) / span
        generated = {**start, "frame": frame}
        for key in _INTERPOLATED_KEYS:
            generated[key] = _lerp(start[key], end[key], fraction)
        generated["time"] = round(_lerp(start["time"], end_time, fraction), _TIME_DECIMALS)
        generated["auto"] = True
        frames.append(generated)
    return frames


def _lerp(start: Any, end: Any, fraction: float) -> Any:
    # Equal values stay as given (an int stays an int), matching what exports have always contained.
    if start == end:
        return start
    return start + (end - start) * fraction
