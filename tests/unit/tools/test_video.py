"""Keyframe interpolation for video rectangle tracks.

The expected sequences were recorded by running the published label-studio-sdk 2.1.2 on the same inputs.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Dict, List, Optional, Tuple

import pytest

from label_studio_sdk._extensions.label_studio_tools.postprocessing.video import (
    _construct_result_from_frames,
    extract_key_frames,
)


def kf(frame: int, x: float, t: float, r: float = 0, enabled: bool = True, **extra: Any) -> Dict[str, Any]:
    keyframe = {
        "frame": frame,
        "enabled": enabled,
        "x": x,
        "y": 10,
        "width": 20,
        "height": 30,
        "rotation": r,
        "time": t,
    }
    keyframe.update(extra)
    return keyframe


def track(
    sequence: List[Dict[str, Any]],
    frames_count: Optional[int] = None,
    duration: Optional[float] = None,
    type_: str = "videorectangle",
) -> Dict[str, Any]:
    value: Dict[str, Any] = {"sequence": sequence, "labels": ["Car"]}
    if frames_count is not None:
        value["framesCount"] = frames_count
    if duration is not None:
        value["duration"] = duration
    return {
        "id": "r1",
        "type": type_,
        "from_name": "box",
        "to_name": "video",
        "origin": "manual",
        "value": value,
    }


def summary(results: List[Dict[str, Any]]) -> List[List[Tuple[Any, ...]]]:
    return [
        [
            (f["frame"], f["x"], f["rotation"], f["time"], f.get("auto", False), f["enabled"])
            for f in r["value"]["sequence"]
        ]
        for r in results
    ]


# (frame, x, rotation, time, auto, enabled) per frame, as the published package returns them.
RECORDED = {
    "interpolates_then_holds": (
        [track([kf(1, 0, 0.04), kf(4, 30, 0.16, r=90)], 6, 0.24)],
        [[(1, 0, 0, 0.04, False, True), (2, 10.0, 30.0, 0.08, True, True), (3, 20.0, 60.0, 0.12, True, True),
          (4, 30, 90, 0.16, False, True), (5, 30, 90, 0.2, True, True), (6, 30, 90, 0.24, True, True)]],
    ),
    "unsorted": (
        [track([kf(4, 30, 0.16), kf(1, 0, 0.04)], 5, 0.2)],
        [[(1, 0, 0, 0.04, False, True), (2, 10.0, 0, 0.08, True, True), (3, 20.0, 0, 0.12, True, True),
          (4, 30, 0, 0.16, False, True), (5, 30, 0, 0.2, True, True)]],
    ),
    "disabled_first": (
        [track([kf(1, 0, 0.04, enabled=False), kf(4, 30, 0.16)], 5, 0.2)],
        [[(1, 0, 0, 0.04, False, False), (4, 30, 0, 0.16, False, True), (5, 30, 0, 0.2, True, True)]],
    ),
    "disabled_last": (
        [track([kf(1, 0, 0.04), kf(3, 30, 0.12, enabled=False)], 5, 0.2)],
        [[(1, 0, 0, 0.04, False, True), (2, 15.0, 0, 0.08, True, True), (3, 30, 0, 0.12, False, False)]],
    ),
    "no_frames_count": (
        [track([kf(1, 0, 0.04), kf(3, 30, 0.12)])],
        [[(1, 0, 0, 0.04, False, True), (2, 15.0, 0, 0.08, True, True), (3, 30, 0, 0.12, False, True)]],
    ),
    "rounding": (
        [track([kf(1, 0, 0.0333), kf(4, 30, 0.1333)], 4, 0.1333)],
        [[(1, 0, 0, 0.0333, False, True), (2, 10.0, 0, 0.07, True, True), (3, 20.0, 0, 0.1, True, True),
          (4, 30, 0, 0.1333, False, True)]],
    ),
    "equal_times_with_duration": (
        [track([kf(1, 0, 0.5), kf(5, 40, 0.5)], 7, 2.0)],
        [[(1, 0, 0, 0.5, False, True), (2, 10.0, 0, 0.88, True, True), (3, 20.0, 0, 1.25, True, True),
          (4, 30.0, 0, 1.62, True, True), (5, 40, 0, 0.5, False, True), (6, 40, 0, 1.25, True, True),
          (7, 40, 0, 2.0, True, True)]],
    ),
    "equal_times_without_duration": (
        [track([kf(1, 0, 0.5), kf(5, 40, 0.5)], 7)],
        [[(1, 0, 0, 0.5, False, True), (2, 10.0, 0, 0.5, True, True), (3, 20.0, 0, 0.5, True, True),
          (4, 30.0, 0, 0.5, True, True), (5, 40, 0, 0.5, False, True), (6, 40, 0, 0.5, True, True),
          (7, 40, 0, 0.5, True, True)]],
    ),
    "frames_count_before_last": ([track([kf(3, 7, 0.12)], 2)], [[(3, 7, 0, 0.12, False, True)]]),
    "duplicate_frames": (
        [track([kf(2, 0, 0), kf(2, 10, 1), kf(4, 20, 2)], 4)],
        [[(2, 0, 0, 0, False, True), (2, 10, 0, 1, False, True), (3, 15.0, 0, 1.5, True, True),
          (4, 20, 0, 2, False, True)]],
    ),
    "keyframe_past_frames_count": (
        [track([kf(1, 0, 0), kf(5, 4, 1)], 3)],
        [[(1, 0, 0, 0, False, True), (2, 1.0, 0, 0.25, True, True), (3, 2.0, 0, 0.5, True, True),
          (4, 3.0, 0, 0.75, True, True), (5, 4, 0, 1, False, True)]],
    ),
    "float_precision": (
        [track([kf(1, 0.1, 0.1), kf(8, 0.7, 0.9)], 8)],
        [[(1, 0.1, 0, 0.1, False, True), (2, 0.18571428571428572, 0, 0.21, True, True),
          (3, 0.2714285714285714, 0, 0.33, True, True), (4, 0.3571428571428571, 0, 0.44, True, True),
          (5, 0.44285714285714284, 0, 0.56, True, True), (6, 0.5285714285714286, 0, 0.67, True, True),
          (7, 0.6142857142857142, 0, 0.79, True, True), (8, 0.7, 0, 0.9, False, True)]],
    ),
    "capitalised_type": (
        [track([kf(1, 0, 0.04)], 2, type_="VideoRectangle")],
        [[(1, 0, 0, 0.04, False, True), (2, 0, 0, 0.04, True, True)]],
    ),
    "last_time_towards_duration": (
        [track([kf(2, 0, 0.123)], 4, 0.4)],
        [[(2, 0, 0, 0.123, False, True), (3, 0, 0, 0.26, True, True), (4, 0, 0, 0.4, True, True)]],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_matches_the_published_sequences(name: str) -> None:
    results, expected = RECORDED[name]
    assert summary(extract_key_frames(results)) == expected


def test_full_output_is_byte_identical_to_the_published_one() -> None:
    results = [
        track([kf(1, 0, 0.04), kf(4, 30, 0.16, r=90, extra="e")], 6, 0.24),
        {"type": "choices", "value": {"choices": ["a"]}},
        track([], 5),
    ]
    recorded = (
        '[{"id": "r1", "type": "videorectangle", "from_name": "box", "to_name": "video", "origin": "manual", '
        '"value": {"sequence": [{"frame": 1, "enabled": true, "x": 0, "y": 10, "width": 20, "height": 30, '
        '"rotation": 0, "time": 0.04}, {"frame": 2, "enabled": true, "x": 10.0, "y": 10, "width": 20, '
        '"height": 30, "rotation": 30.0, "time": 0.08, "auto": true}, {"frame": 3, "enabled": true, "x": 20.0, '
        '"y": 10, "width": 20, "height": 30, "rotation": 60.0, "time": 0.12, "auto": true}, {"frame": 4, '
        '"enabled": true, "x": 30, "y": 10, "width": 20, "height": 30, "rotation": 90, "time": 0.16, '
        '"extra": "e"}, {"frame": 5, "enabled": true, "x": 30, "y": 10, "width": 20, "height": 30, '
        '"rotation": 90, "time": 0.2, "extra": "e", "auto": true}, {"frame": 6, "enabled": true, "x": 30, '
        '"y": 10, "width": 20, "height": 30, "rotation": 90, "time": 0.24, "extra": "e", "auto": true}], '
        '"labels": ["Car"], "framesCount": 6, "duration": 0.24}}, {"type": "choices", "value": {"choices": ["a"]}}]'
    )
    assert json.dumps(extract_key_frames(results)) == recorded


def test_empty_tracks_are_dropped_and_other_results_pass_through_untouched() -> None:
    rectangle = {"type": "rectanglelabels", "value": {"x": 1}}
    no_type = {"value": {"x": 2}}
    out = extract_key_frames([rectangle, track([], 5), no_type])
    assert out == [rectangle, no_type]
    assert out[0] is rectangle


def test_input_is_not_modified() -> None:
    results = [track([kf(4, 30, 0.16), kf(1, 0, 0.04)], 5, 0.2)]
    before = copy.deepcopy(results)
    extract_key_frames(results)
    assert results == before


def test_equal_values_keep_their_type_and_interpolated_ones_become_floats() -> None:
    frames = extract_key_frames([track([kf(1, 0, 0.0), kf(3, 4, 1.0)], 3)])[0]["value"]["sequence"]
    middle = frames[1]
    assert middle["x"] == 2.0 and isinstance(middle["x"], float)
    assert middle["y"] == 10 and isinstance(middle["y"], int)


def test_missing_rotation_and_enabled_take_defaults() -> None:
    bare = {"frame": 1, "x": 0, "y": 0, "width": 5, "height": 5, "time": 0.0}
    frames = extract_key_frames([track([bare, {**bare, "frame": 3, "x": 4, "time": 1.0}], 3)])[0]["value"][
        "sequence"
    ]
    assert [(f["frame"], f["x"], f["rotation"], f["enabled"]) for f in frames] == [
        (1, 0, 0, True),
        (2, 2.0, 0, True),
        (3, 4, 0, True),
    ]


@pytest.mark.parametrize("key", ["frame", "x", "y", "width", "height", "time"])
def test_a_missing_geometry_key_is_a_value_error_naming_region_and_key(key: str) -> None:
    keyframe = kf(1, 0, 0.0)
    del keyframe[key]
    with pytest.raises(ValueError, match=rf"region 'r1'.*keyframe 0 has no '{key}'"):
        extract_key_frames([track([keyframe], 3)])


def test_a_track_without_value_or_sequence_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="region 'q' has no 'value'"):
        extract_key_frames([{"id": "q", "type": "videorectangle"}])
    with pytest.raises(ValueError, match="region 'q' has no 'sequence'"):
        extract_key_frames([{"id": "q", "type": "videorectangle", "value": {"sequence": None}}])


def test_construct_between_two_keyframes() -> None:
    frames = _construct_result_from_frames(kf(1, 0, 0.04), kf(4, 30, 0.16))
    assert [(f["frame"], f["x"], f["time"], f["auto"]) for f in frames] == [
        (2, 10.0, 0.08, True),
        (3, 20.0, 0.12, True),
    ]
    # Recorded: frameCount and exclude_first change nothing; a disabled start gives nothing.
    assert (
        _construct_result_from_frames(kf(1, 0, 0.04), kf(4, 30, 0.16), frameCount=2, exclude_first=False)
        == frames
    )
    assert _construct_result_from_frames(kf(1, 0, 0.04, enabled=False), kf(4, 30, 0.16)) == []
    assert _construct_result_from_frames(kf(3, 0, 0.0), kf(3, 0, 0.0), frameCount=6, duration=1) == []


def test_construct_spreads_equal_times_towards_the_duration() -> None:
    frames = _construct_result_from_frames(kf(2, 0, 0.5), kf(6, 8, 0.5), duration=1.3)
    assert [(f["frame"], f["x"], f["time"]) for f in frames] == [(3, 2.0, 0.7), (4, 4.0, 0.9), (5, 6.0, 1.1)]
