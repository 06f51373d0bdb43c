"""Which label_studio_sdk the server runs on, seen from outside: answers that differ between ours and the published.

``scripts/label-studio-server.sh`` runs the server on the published label-studio-sdk (default) or on this
checkout's (``LS_SDK=ours``, what CI runs). Each test below makes the server go through one of the code paths
it imports from the SDK (label-config validation: ``LabelInterface``; prediction validation; the parsed config:
``label_studio_tools.parse_config``; video key frames on export: ``label_studio_tools``' ``extract_key_frames``)
with an input on which ours and the published answer differently, and checks that the server answers what the
package it runs on says, computed here: ours in-process, the published as a black box in the server's
virtualenv. The export formats (the converter) are checked the same way in ``test_converter_exports.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any, Dict, Iterator, List

import pytest

import label_studio_sdk
from label_studio_sdk import BadRequestError, LabelStudio
from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk._extensions.label_studio_tools.postprocessing.video import extract_key_frames
from label_studio_sdk.core.options import RequestOptions
from label_studio_sdk.label_interface import LabelInterface
from tests.ls_server_files import require_server_install, server_python

from .conftest import API_KEY, URL

VIDEO_BAD_SPEED = (
    '<View><Video name="v" value="$v" minPlaybackSpeed="5" defaultPlaybackSpeed="1"/>'
    '<VideoRectangle name="box" toName="v"/></View>'
)
VIDEO = '<View><Video name="v" value="$v"/><VideoRectangle name="box" toName="v"/></View>'
CHOICES = '<View><Text name="t" value="$t"/><Choices name="c" toName="t"><Choice value="a"/></Choices></View>'
# Key frames without "rotation" (as older front ends and import scripts write them).
TRACK: List[Dict[str, Any]] = [
    {
        "id": "track1",
        "from_name": "box",
        "to_name": "v",
        "type": "videorectangle",
        "value": {
            "framesCount": 10,
            "duration": 1.0,
            "sequence": [
                {"frame": 1, "x": 1, "y": 1, "width": 5, "height": 5, "enabled": True, "time": 0.1},
                {"frame": 4, "x": 4, "y": 1, "width": 5, "height": 5, "enabled": False, "time": 0.4},
            ],
        },
    }
]

PUBLISHED_SCRIPT = r"""
import json, sys
job = json.load(sys.stdin)
answer = {}
from label_studio_sdk.label_interface import LabelInterface
try:
    LabelInterface(job["bad_config"])._tag_attribute_validation()
    answer["config"] = None
except Exception as exc:
    answer["config"] = str(exc)
answer["prediction"] = LabelInterface(job["config"]).validate_prediction(
    {"result": job["prediction"]}, return_errors=True
)
from label_studio_sdk._extensions.label_studio_tools.postprocessing.video import extract_key_frames
try:
    answer["key_frames"] = extract_key_frames(job["track"])
except Exception as exc:
    answer["key_frames"] = "%s: %s" % (type(exc).__name__, exc)
json.dump(answer, sys.stdout)
"""

BAD_PREDICTION = [{"from_name": "c", "to_name": "t", "type": "choices", "value": {"choices": ["zz"]}}]


@pytest.fixture(scope="module")
def client() -> Iterator[LabelStudio]:
    assert URL and API_KEY
    with LabelStudio(base_url=URL, api_key=API_KEY) as client:
        yield client


@pytest.fixture(scope="module")
def on_ours(client: LabelStudio) -> bool:
    """LS_SDK, checked against the version the live server reports."""
    declared = os.environ.get("LS_SDK", "published")
    reported = (client.versions.get().label_studio_converter or {}).get("version")
    assert (reported == label_studio_sdk.__version__) == (declared == "ours"), (declared, reported)
    return declared == "ours"


@pytest.fixture(scope="module")
def expected(on_ours: bool) -> Dict[str, Any]:
    """What the package the server runs says about this module's inputs."""
    if on_ours:
        try:
            LabelInterface(VIDEO_BAD_SPEED)._tag_attribute_validation()
            config = None
        except Exception as exc:
            config = str(exc)
        try:
            key_frames: Any = extract_key_frames(json.loads(json.dumps(TRACK)))
        except Exception as exc:
            key_frames = f"{type(exc).__name__}: {exc}"
        prediction = LabelInterface(CHOICES).validate_prediction(
            {"result": BAD_PREDICTION}, return_errors=True
        )
        return {"config": config, "prediction": prediction, "key_frames": key_frames}
    require_server_install()
    python = server_python()
    assert python is not None
    job = {"bad_config": VIDEO_BAD_SPEED, "config": CHOICES, "prediction": BAD_PREDICTION, "track": TRACK}
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    answer: Dict[str, Any] = json.loads(completed.stdout)
    return answer


def test_the_two_packages_disagree_on_these_inputs(expected: Dict[str, Any]) -> None:
    # Otherwise the tests below could not tell which package the server runs on.
    ours_config = None
    try:
        LabelInterface(VIDEO_BAD_SPEED)._tag_attribute_validation()
    except Exception as exc:
        ours_config = str(exc)
    assert ours_config is not None and ours_config.endswith("(line 1)")
    ours_prediction = LabelInterface(CHOICES).validate_prediction(
        {"result": BAD_PREDICTION}, return_errors=True
    )
    assert "Reason:" in ours_prediction[0]
    assert isinstance(extract_key_frames(json.loads(json.dumps(TRACK))), list)
    # The published: no line number, no reason, and a KeyError on a key frame without "rotation".
    require_server_install()
    python = server_python()
    assert python is not None
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps(
            {"bad_config": VIDEO_BAD_SPEED, "config": CHOICES, "prediction": BAD_PREDICTION, "track": TRACK}
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    published = json.loads(completed.stdout)
    assert published["config"] != ours_config
    assert published["prediction"] != ours_prediction
    assert str(published["key_frames"]).startswith("KeyError")


def test_label_config_validation(client: LabelStudio, expected: Dict[str, Any]) -> None:
    with pytest.raises(BadRequestError) as raised:
        client.projects.create(title="sdk: config", label_config=VIDEO_BAD_SPEED)
    body = raised.value.body
    assert isinstance(body, dict)
    assert body["validation_errors"]["label_config"] == [expected["config"]]


def test_prediction_validation(client: LabelStudio, expected: Dict[str, Any]) -> None:
    project = client.projects.create(title="sdk: prediction", label_config=CHOICES)
    try:
        # The parsed config the server stores comes from label_studio_tools' parse_config (the same in both).
        assert client.projects.get(project.id).parsed_label_config == parse_config(CHOICES)
        task = client.tasks.create(project=project.id, data={"t": "hello"})
        with pytest.raises(BadRequestError) as raised:
            client.predictions.create(task=task.id, result=BAD_PREDICTION)
        body = raised.value.body
        assert isinstance(body, dict)
        # The server writes the list of errors into one message.
        [message] = body["validation_errors"]["non_field_errors"]
        assert message.startswith("Error validating prediction: ")
        assert expected["prediction"] and all(error in message for error in expected["prediction"]), (
            message,
            expected["prediction"],
        )
    finally:
        client.projects.delete(project.id)


def test_key_frames_on_export(client: LabelStudio, expected: Dict[str, Any]) -> None:
    project = client.projects.create(title="sdk: video", label_config=VIDEO)
    try:
        task = client.tasks.create(project=project.id, data={"v": "/static/samples/opossum_snow.mp4"})
        client.annotations.create(task.id, result=TRACK)
        request: RequestOptions = {"additional_query_parameters": {"interpolate_key_frames": "true"}}
        if isinstance(expected["key_frames"], str):
            # The published fails on these key frames: the export fails.
            with pytest.raises(label_studio_sdk.ApiError):
                b"".join(client.projects.exports.download_sync(project.id, request_options=request))
            return
        data = b"".join(client.projects.exports.download_sync(project.id, request_options=request))
        exported = json.loads(data)
        assert exported[0]["annotations"][0]["result"] == expected["key_frames"]
    finally:
        client.projects.delete(project.id)
