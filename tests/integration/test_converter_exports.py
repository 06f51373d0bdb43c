"""Our converter against the published one on real server exports: every format the server lists.

For each project below, the server exports every format it offers, and ``Converter`` is fed the server's
JSON export with the arguments the server uses (parsed config, upload folder, hostname, token). Our files
must be the published converter's, names and bytes, except for the differences listed in ``DOCUMENTED``
(each is a line of the README's converter section).

Where the published files come from depends on what the server runs (``scripts/label-studio-server.sh``,
``LS_SDK``). On the published label-studio-sdk (the default), the server's own exports are the published
files. On ours (``LS_SDK=ours``, what CI runs), the server's exports are made by our code, so comparing them
with ours would prove nothing: the published converter is then run as a black box in the server's own
virtualenv (``LS_BASE_VENV``), on the same JSON export with the same arguments, and the server's exports
must instead be our files exactly (the export time in COCO aside), which checks that the server drives
our converter as it drives its own.
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import wave
import zipfile
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import label_studio_sdk
from label_studio_sdk import LabelStudio
from label_studio_sdk.converter import Converter
from label_studio_sdk.converter.brush import mask2rle
from tests.ls_server_files import require_server_install, server_python

from .conftest import API_KEY, FILES_ROOT, URL

Files = Dict[str, bytes]

IMAGE_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image"><Label value="cat"/><Label value="dog"/></RectangleLabels>
  <PolygonLabels name="outline" toName="image"><Label value="cat"/><Label value="dog"/></PolygonLabels>
</View>"""
TEXT_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
  <Choices name="mood" toName="text"><Choice value="happy"/><Choice value="sad"/></Choices>
</View>"""
BRUSH_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <BrushLabels name="mask" toName="image"><Label value="road"/><Label value="sky"/></BrushLabels>
</View>"""
AUDIO_CONFIG = """<View>
  <Audio name="audio" value="$audio"/>
  <TextArea name="transcription" toName="audio"/>
</View>"""


@pytest.fixture(scope="module")
def client() -> Iterator[LabelStudio]:
    assert URL and API_KEY
    with LabelStudio(base_url=URL, api_key=API_KEY) as client:
        yield client


@pytest.fixture(scope="module")
def server_on_our_sdk(client: LabelStudio) -> bool:
    """Whether the server runs on this checkout's label_studio_sdk: what LS_SDK says, checked against the
    ``label_studio_sdk.__version__`` the live server reports in /api/version."""
    declared = os.environ.get("LS_SDK", "published")
    assert declared in ("published", "ours"), f"LS_SDK={declared!r}"
    reported = (client.versions.get().label_studio_converter or {}).get("version")
    if declared == "ours":
        assert reported == label_studio_sdk.__version__, reported
    else:
        assert reported != label_studio_sdk.__version__, (
            f"the server reports our version {reported}: set LS_SDK=ours (scripts/label-studio-server.sh status)"
        )
    return declared == "ours"


@pytest.fixture(scope="module")
def upload_dir() -> Path:
    # scripts/label-studio-server.sh keeps the server's data beside the local-files root.
    if not FILES_ROOT:
        pytest.skip("LABEL_STUDIO_TEST_FILES_ROOT is not set: the server's upload folder is unknown")
    folder = Path(FILES_ROOT).parent / "data" / "media" / "upload"
    if not folder.is_dir():
        pytest.skip(f"the server's upload folder {folder} is not on this machine")
    return folder


def _png(path: Path, size: Tuple[int, int], colour: Tuple[int, int, int]) -> Path:
    from PIL import Image

    Image.new("RGB", size, colour).save(path)
    return path


def _wav(path: Path, seconds: float) -> Path:
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\1\0" * int(seconds * 8000))
    return path


def _project(client: LabelStudio, title: str, config: str, files: List[Path]) -> Tuple[int, List[Any]]:
    project = client.projects.create(title=title, label_config=config)
    assert project.id is not None
    client.projects.import_tasks(project.id, files=[str(path) for path in files])
    tasks = sorted(client.tasks.list(project=project.id), key=lambda task: task.id)
    assert len(tasks) == len(files)
    return project.id, tasks


def _rect(
    label: str, x: float, y: float, w: float, h: float, size: Tuple[int, int], rotation: float = 0
) -> Dict[str, Any]:
    return {
        "from_name": "label",
        "to_name": "image",
        "type": "rectanglelabels",
        "original_width": size[0],
        "original_height": size[1],
        "image_rotation": 0,
        "value": {"x": x, "y": y, "width": w, "height": h, "rotation": rotation, "rectanglelabels": [label]},
    }


def _polygon(label: str, points: List[List[float]], size: Tuple[int, int]) -> Dict[str, Any]:
    return {
        "from_name": "outline",
        "to_name": "image",
        "type": "polygonlabels",
        "original_width": size[0],
        "original_height": size[1],
        "image_rotation": 0,
        "value": {"points": points, "polygonlabels": [label], "closed": True},
    }


@pytest.fixture(scope="module")
def image_project(client: LabelStudio, tmp_path_factory: pytest.TempPathFactory) -> int:
    folder = tmp_path_factory.mktemp("images")
    sizes = [(40, 30), (64, 48), (50, 50), (80, 40)]
    files = [_png(folder / f"img{index}.png", size, (index * 60, 20, 90)) for index, size in enumerate(sizes)]
    project_id, tasks = _project(client, "converter: image", IMAGE_CONFIG, files)
    client.annotations.create(
        tasks[0].id,
        result=[
            _rect("cat", 10, 20, 30, 40, sizes[0]),
            _rect("dog", 50, 5, 20, 25, sizes[0]),
            _polygon("cat", [[10, 10], [60, 15], [40, 70]], sizes[0]),
        ],
    )
    client.annotations.create(tasks[1].id, result=[_rect("dog", 1.5, 2.25, 50, 60.125, sizes[1])])
    # tasks[2] stays unlabelled: exported with download_all_tasks.
    # img3 has the one rotated box: YOLO_OBB must match; COCO, VOC and plain YOLO differ on purpose (README).
    client.annotations.create(tasks[3].id, result=[_rect("cat", 20, 10, 30, 40, sizes[3], rotation=30)])
    return project_id


@pytest.fixture(scope="module")
def text_project(client: LabelStudio, tmp_path_factory: pytest.TempPathFactory) -> int:
    project = client.projects.create(title="converter: text", label_config=TEXT_CONFIG)
    assert project.id is not None
    texts = ["Ann met Bob in Paris.", "Nobody here", "Zoë walked to Köln!"]
    client.projects.import_tasks(project.id, request=[{"text": text} for text in texts])
    tasks = sorted(client.tasks.list(project=project.id), key=lambda task: task.id)
    spans = [[(0, 3, "PER"), (8, 11, "PER"), (15, 20, "LOC")], [], [(0, 3, "PER"), (14, 18, "LOC")]]
    for task, text, task_spans in zip(tasks, texts, spans):
        result: List[Dict[str, Any]] = [
            {
                "from_name": "ner",
                "to_name": "text",
                "type": "labels",
                "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
            }
            for start, end, label in task_spans
        ]
        result.append(
            {"from_name": "mood", "to_name": "text", "type": "choices", "value": {"choices": ["happy"]}}
        )
        client.annotations.create(task.id, result=result, lead_time=1.5)
    return project.id


@pytest.fixture(scope="module")
def brush_project(client: LabelStudio, tmp_path_factory: pytest.TempPathFactory) -> int:
    folder = tmp_path_factory.mktemp("brush")
    size = (12, 8)
    project_id, tasks = _project(
        client, "converter: brush", BRUSH_CONFIG, [_png(folder / "scene.png", size, (1, 2, 3))]
    )
    mask = [[255 if 2 <= x < 7 and 1 <= y < 5 else 0 for x in range(size[0])] for y in range(size[1])]
    client.annotations.create(
        tasks[0].id,
        result=[
            {
                "from_name": "mask",
                "to_name": "image",
                "type": "brushlabels",
                "original_width": size[0],
                "original_height": size[1],
                "image_rotation": 0,
                "value": {"format": "rle", "rle": mask2rle(mask), "brushlabels": ["road"]},
            }
        ],
    )
    return project_id


@pytest.fixture(scope="module")
def audio_project(client: LabelStudio, tmp_path_factory: pytest.TempPathFactory) -> int:
    folder = tmp_path_factory.mktemp("audio")
    project_id, tasks = _project(client, "converter: audio", AUDIO_CONFIG, [_wav(folder / "hello.wav", 0.75)])
    client.annotations.create(
        tasks[0].id,
        result=[
            {
                "from_name": "transcription",
                "to_name": "audio",
                "type": "textarea",
                "value": {"text": ["hello there"]},
            }
        ],
    )
    return project_id


def _server_files(client: LabelStudio, project_id: int, export_type: str) -> Files:
    data = b"".join(
        client.projects.exports.download_sync(project_id, export_type=export_type, download_all_tasks=True)
    )
    if data[:2] != b"PK":
        return {"<single file>": data}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def _our_files(output: Path) -> Files:
    # As the server decides: one entry in the folder is served as is, more are zipped.
    files = {
        str(path.relative_to(output)): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }
    return {"<single file>": next(iter(files.values()))} if len(os.listdir(output)) == 1 else files


# Runs in the server's virtualenv (python -I: this checkout is not on the path) with the published package.
PUBLISHED_SCRIPT = r"""
import json, os, sys
from label_studio_sdk.converter import Converter
job = json.load(sys.stdin)
converter = Converter(
    config=job["config"], project_dir=None, upload_dir=job["upload_dir"], download_resources=True,
    access_token=job["access_token"], hostname=None,
)
for name in job["formats"]:
    # The server converts into a folder it has made (some published writers do not make theirs).
    os.makedirs(os.path.join(job["output"], name))
    converter.convert(job["export"], os.path.join(job["output"], name), name, is_dir=False)
json.dump({"supported_formats": sorted(converter.supported_formats)}, sys.stdout)
"""


def _published_files(
    config: Any, export: Path, upload_dir: Path, formats: List[str], output: Path
) -> Tuple[Dict[str, Files], List[str]]:
    """Every format's files from the published converter run as a black box, and its supported formats."""
    require_server_install()
    python = server_python()
    assert python is not None
    output.mkdir()
    job = {
        "config": config,
        "export": str(export),
        "upload_dir": str(upload_dir),
        "access_token": API_KEY,
        "formats": formats,
        "output": str(output),
    }
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=str(output),
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    supported: List[str] = json.loads(completed.stdout)["supported_formats"]
    return {name: _our_files(output / name) for name in formats}, supported


def _same_as_ours(ours: Files, served: Files, name: str) -> None:
    """The server runs our converter: the same files and bytes, the export time in COCO aside."""
    assert ours.keys() == served.keys(), name
    for file_name in ours:
        if ours[file_name] == served[file_name]:
            continue
        assert file_name.endswith(".json") and name in ("COCO", "COCO_WITH_IMAGES", "BRUSH_TO_COCO"), (
            f"{name}: {file_name}"
        )
        assert _coco_without_time(ours, file_name) == _coco_without_time(served, file_name), (
            f"{name}: {file_name}"
        )


def _json(data: bytes) -> Any:
    return json.loads(data.decode("utf-8"))


def _parsed_equal(ours: Files, theirs: Files) -> None:
    assert ours.keys() == theirs.keys()
    for name in ours:
        assert _json(ours[name]) == _json(theirs[name]), name


def _coco_without_time(files: Files, name: str) -> Any:
    document = _json(files[name])
    document["info"].pop("date_created", None)
    document["info"].pop("year", None)
    return document


def _close(a: Any, b: Any) -> bool:
    """Equal, with floats equal to 12 significant digits (the published rounds through numpy in places)."""
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, (int, float))
            and isinstance(b, (int, float))
            and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return bool(a == b)


def _json_min_equal(ours: Files, theirs: Files) -> None:
    # The published writes JSON_MIN with ujson, which escapes "/" as "\/": same JSON, other bytes.
    assert ours.keys() == theirs.keys()
    for name in ours:
        assert _json(ours[name]) == _json(theirs[name])
        assert ours[name] == theirs[name].replace(b"\\/", b"/")


def _brush_coco_equal(ours: Files, theirs: Files) -> None:
    # Documented: our area is the region's pixel count (the published: the polygon through pixel centres,
    # truncated), and colours are derived from the label, not random. Everything else is the same.
    assert ours.keys() == theirs.keys()
    documents = []
    for files in (ours, theirs):
        document = _coco_without_time(files, "result_coco.json")
        for category in document["categories"]:
            assert category.pop("color").startswith("#")
        areas = [annotation.pop("area") for annotation in document["annotations"]]
        documents.append((document, areas))
    (our_doc, our_areas), (their_doc, their_areas) = documents
    assert _close(our_doc, their_doc), (our_doc, their_doc)
    assert all(ours_area >= theirs_area for ours_area, theirs_area in zip(our_areas, their_areas))


ROTATED_IMAGE = "img3"  # its box is rotated: we box it in pixels (COCO, VOC, YOLO); the published does not
UNLABELLED_IMAGE = "img2"


def _image_files_equal(ours: Files, theirs: Files) -> None:
    """Same files and bytes, except the rotated image's labels and VOC's file for the unlabelled image."""
    extra = set(ours) - set(theirs)
    assert set(theirs) <= set(ours), set(theirs) - set(ours)
    # VOC: an unlabelled image with a known size gets its (object-less) annotation file.
    assert all(name.startswith("Annotations/") and UNLABELLED_IMAGE in name for name in extra), extra
    differing = sorted(name for name in theirs if ours[name] != theirs[name])
    assert all(ROTATED_IMAGE in name for name in differing), differing


def _image_coco_equal(ours: Files, theirs: Files) -> None:
    """COCO: the published file_name is a path relative to wherever the upload folder is (unusable); ours
    is ``images/<name>``. The rotated box differs as in ``_image_files_equal``; all else is equal."""
    assert ours.keys() == theirs.keys()
    for name in ours:
        if name != "result.json":
            assert ours[name] == theirs[name], name
    documents = [_coco_without_time(files, "result.json") for files in (ours, theirs)]
    rotated_ids = []
    for document in documents:
        for image in document["images"]:
            image["file_name"] = os.path.basename(image["file_name"])
        rotated_ids.append(
            {image["id"] for image in document["images"] if ROTATED_IMAGE in image["file_name"]}
        )
    assert rotated_ids[0] == rotated_ids[1] and len(rotated_ids[0]) == 1
    boxes = []
    for document in documents:
        rotated = [item for item in document["annotations"] if item["image_id"] in rotated_ids[0]]
        boxes.append([(item.pop("bbox"), item.pop("area")) for item in rotated])
    assert _close(documents[0], documents[1]), documents
    (our_box, _), (their_box, _) = boxes[0][0], boxes[1][0]
    assert our_box != their_box


# Formats whose files differ on purpose, with the comparison that holds instead of byte equality.
DOCUMENTED: Dict[str, Callable[[Files, Files], None]] = {
    # The published copies the server's JSON bytes; we write the same tasks one per line.
    "JSON": _parsed_equal,
    "JSON_MIN": _json_min_equal,
    # COCO has the export time in info; the rest must match.
    "COCO": _image_coco_equal,
    "COCO_WITH_IMAGES": _image_coco_equal,
    "VOC": _image_files_equal,
    "YOLO": _image_files_equal,
    "YOLO_WITH_IMAGES": _image_files_equal,
    "BRUSH_TO_COCO": _brush_coco_equal,
}


def _compare_every_format(
    client: LabelStudio,
    project_id: int,
    upload_dir: Path,
    tmp_path: Path,
    expected_formats: List[str],
    server_on_ours: bool,
) -> List[str]:
    project = client.projects.get(project_id)
    listed = [item for item in client.projects.exports.list_formats(project_id)]
    enabled = [item.name for item in listed if not item.disabled and item.name]
    assert [name for name in expected_formats if name not in enabled] == []
    export = tmp_path / "export.json"
    export.write_bytes(_server_files(client, project_id, "JSON")["<single file>"])
    converter = Converter(
        config=project.parsed_label_config,
        project_dir=None,
        upload_dir=str(upload_dir),
        download_resources=True,
        access_token=API_KEY,
        hostname=None,
    )
    # What the server offers is what our supported_formats says (the server lists them in all_formats order).
    assert {name for name in enabled if name != "DOCLANG"} == set(converter.supported_formats) - {"CSV_OLD"}
    # DOCLANG: not offered by our converter (README): the doclang toolkit is not a dependency.
    names = [name for name in enabled if name != "DOCLANG"]
    served = {name: _server_files(client, project_id, name) for name in names}
    if server_on_ours:
        published, published_formats = _published_files(
            project.parsed_label_config, export, upload_dir, names, tmp_path / "published"
        )
        # The published offers the same formats for this config (the server on it would list these).
        assert set(published_formats) - {"DOCLANG", "CSV_OLD"} == set(converter.supported_formats) - {
            "CSV_OLD"
        }
    else:
        published = served
    compared = []
    for name in names:
        theirs = published[name]
        output = tmp_path / name
        converter.convert(export, output, name, is_dir=False)
        ours = _our_files(output)
        compare = DOCUMENTED.get(name)
        if compare is None:
            assert ours.keys() == theirs.keys(), name
            for file_name in ours:
                assert ours[file_name] == theirs[file_name], f"{name}: {file_name}"
        else:
            compare(ours, theirs)
        if server_on_ours:
            _same_as_ours(ours, served[name], name)
        compared.append(name)
    return compared


def test_image_formats_match_the_server(
    client: LabelStudio, image_project: int, upload_dir: Path, tmp_path: Path, server_on_our_sdk: bool
) -> None:
    compared = _compare_every_format(
        client,
        image_project,
        upload_dir,
        tmp_path,
        [
            "JSON",
            "JSON_MIN",
            "CSV",
            "TSV",
            "COCO",
            "COCO_WITH_IMAGES",
            "VOC",
            "YOLO",
            "YOLO_WITH_IMAGES",
            "YOLO_OBB",
            "YOLO_OBB_WITH_IMAGES",
        ],
        server_on_our_sdk,
    )
    assert "YOLO_OBB_WITH_IMAGES" in compared


def test_text_formats_match_the_server(
    client: LabelStudio, text_project: int, upload_dir: Path, tmp_path: Path, server_on_our_sdk: bool
) -> None:
    compared = _compare_every_format(
        client,
        text_project,
        upload_dir,
        tmp_path,
        ["JSON", "JSON_MIN", "CSV", "TSV", "CONLL2003"],
        server_on_our_sdk,
    )
    assert "CONLL2003" in compared


def test_brush_formats_match_the_server(
    client: LabelStudio, brush_project: int, upload_dir: Path, tmp_path: Path, server_on_our_sdk: bool
) -> None:
    compared = _compare_every_format(
        client,
        brush_project,
        upload_dir,
        tmp_path,
        ["BRUSH_TO_NUMPY", "BRUSH_TO_PNG", "BRUSH_TO_COCO"],
        server_on_our_sdk,
    )
    assert "BRUSH_TO_COCO" in compared


def test_audio_formats_match_the_server(
    client: LabelStudio, audio_project: int, upload_dir: Path, tmp_path: Path, server_on_our_sdk: bool
) -> None:
    compared = _compare_every_format(
        client, audio_project, upload_dir, tmp_path, ["ASR_MANIFEST"], server_on_our_sdk
    )
    assert "ASR_MANIFEST" in compared
