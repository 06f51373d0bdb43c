"""The server's own label-config templates (69 in Label Studio 1.23.2), read and sampled by our LabelInterface.

For every template: it parses, its JSON schema is JSON, and a complete sample task is generated whose
prediction and annotation validate against our LabelInterface. The same predictions are then checked by
the published label-studio-sdk (installed beside the server) as a black box: what we generate, the
server's current validator accepts too. The integration suite posts them to a real server.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any, Dict, List

import pytest

from label_studio_sdk.label_interface import LabelInterface
from tests.ls_server_files import require_server_install, server_python, template_configs

TEMPLATES = template_configs()
SEED = 20261201


def test_the_server_ships_its_templates() -> None:
    require_server_install()
    assert len(TEMPLATES) >= 60, [name for name, _ in TEMPLATES]


@pytest.mark.parametrize("config", [c for _, c in TEMPLATES], ids=[name for name, _ in TEMPLATES])
def test_template_parses_and_samples_validate(config: str) -> None:
    li = LabelInterface(config)
    assert list(li.controls) or list(li.objects)
    json.dumps(li.to_json_schema())
    sample = li.generate_complete_sample_task(raise_on_failure=True, seed=SEED)
    assert sample["data"].keys() >= {
        obj.value_name for obj in li.objects if obj.value_is_variable and "[" not in obj.value
    }
    prediction = sample["predictions"][0]
    assert li.validate_prediction(prediction, return_errors=True) == []
    assert li.validate_annotation(sample["annotations"][0])
    # Relations make no regions of their own; a <Chat toName=...> keeps its messages out of samples.
    producing = [
        c
        for c in li.controls
        if c.tag.lower() != "relations"
        and not (c.tag.lower() == "chatmessage" and "toName" in c.attr)
        and (c.objects or c.to_name == [c.name])
    ]
    if producing:
        assert prediction["result"], "controls that label objects should give the sample regions"


def _published_verdicts(items: List[Dict[str, Any]]) -> List[List[str]]:
    python = server_python()
    assert python is not None
    script = (
        "import json, sys, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "from label_studio_sdk.label_interface import LabelInterface\n"
        "out = []\n"
        "for item in json.load(sys.stdin):\n"
        "    errors = LabelInterface(item['config']).validate_prediction(item['prediction'], return_errors=True)\n"
        "    out.append([str(e) for e in errors])\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [str(python), "-I", "-c", script],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


def test_published_validator_accepts_our_samples() -> None:
    require_server_install()
    items = []
    for _, config in TEMPLATES:
        sample = LabelInterface(config).generate_complete_sample_task(raise_on_failure=True, seed=SEED)
        items.append({"config": config, "prediction": sample["predictions"][0]})
    verdicts = _published_verdicts(items)
    rejected = {name: errors for (name, _), errors in zip(TEMPLATES, verdicts) if errors}
    assert rejected == {}
