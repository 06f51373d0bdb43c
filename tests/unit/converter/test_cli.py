"""The ``label-studio-converter`` command (``label_studio_sdk.converter.main``): each command on tiny fixtures,
exit statuses and the one-line errors, the progress bar, logging hygiene, the masking of the API key, and
the published CLI's bugs we fix (compared with the published 2.1.2, run as a black box, where it helps).

Commands run with the fixture folder as the current directory, so paths in them are relative."""

from __future__ import annotations

import io
import json
import logging
import os
import shlex
import socket
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import label_studio_sdk
from label_studio_sdk.converter import main as cli
from label_studio_sdk.converter._progress import ProgressBar, is_terminal
from label_studio_sdk.converter.main import main
from tests.ls_server_files import server_python

PROG = "label-studio-converter"
MARKER = "SECRET-API-KEY-0123456789"

IMAGE_CONFIG = (
    '<View><Image name="image" value="$image"/>'
    '<RectangleLabels name="label" toName="image"><Label value="Cat"/><Label value="Dog"/></RectangleLabels>'
    "</View>"
)
BRUSH_CONFIG = (
    '<View><Image name="image" value="$image"/>'
    '<BrushLabels name="tag" toName="image"><Label value="Cat"/></BrushLabels></View>'
)
AUDIO_CONFIG = '<View><Audio name="audio" value="$audio"/><TextArea name="text" toName="audio"/></View>'
DOCUMENT_CONFIG = '<View><Text name="text" value="$text"/><TextArea name="answer" toName="text"/></View>'


def rectangle(label: str = "Cat") -> Dict[str, Any]:
    return {
        "id": "r1",
        "from_name": "label",
        "to_name": "image",
        "type": "rectanglelabels",
        "original_width": 40,
        "original_height": 20,
        "value": {"x": 10, "y": 20, "width": 50, "height": 25, "rotation": 0, "rectanglelabels": [label]},
    }


def image_task(task_id: int = 1) -> Dict[str, Any]:
    annotation = {"id": 10 * task_id, "created_at": "2024-01-01T00:00:00Z", "completed_by": 1}
    annotation["result"] = [rectangle()]
    return {"id": task_id, "data": {"image": "/data/upload/1/x.png"}, "annotations": [annotation]}


def audio_task(task_id: int, url: str, text: str = "hello") -> Dict[str, Any]:
    region = {"from_name": "text", "to_name": "audio", "type": "textarea", "value": {"text": [text]}}
    annotation = {"id": task_id, "created_at": "2024-01-01", "completed_by": 1, "result": [region]}
    return {"id": task_id, "data": {"audio": url}, "annotations": [annotation]}


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current folder, with export.json (one image task with a rectangle) and config.xml."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "LABEL_STUDIO_API_KEY",
        "LABEL_STUDIO_ACCESS_TOKEN",
        "LABEL_STUDIO_URL",
        "LABEL_STUDIO_HOST",
    ):
        monkeypatch.delenv(name, raising=False)
    write_json(tmp_path / "export.json", [image_task()])
    (tmp_path / "config.xml").write_text(IMAGE_CONFIG, encoding="utf-8")
    return tmp_path


@pytest.fixture
def upload(project: Path) -> Path:
    """``upload/1/x.png``, the file behind ``/data/upload/1/x.png`` with ``--upload-dir upload`` (40x20)."""
    image_module = pytest.importorskip("PIL.Image")
    folder = project / "upload" / "1"
    folder.mkdir(parents=True)
    image_module.new("RGB", (40, 20), (255, 0, 0)).save(folder / "x.png")
    return project / "upload"


def run(capsys: pytest.CaptureFixture[str], command: str, *extra: str) -> Tuple[int, str, str]:
    """``main`` on the words of ``command`` (shell-split) and ``extra``: exit status, stdout, stderr."""
    code = main([*shlex.split(command), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def lines(text: str) -> List[str]:
    return text.splitlines()


def result_line(path: Path, fmt: str, tasks: int = 1) -> str:
    return f"{PROG}: wrote {fmt} to {path} ({tasks} task{'' if tasks == 1 else 's'} in "


def only_result_line(err: str, path: Path, fmt: str, tasks: int = 1) -> None:
    """stderr (not a terminal) holds the result line and nothing else: no bar, no carriage return."""
    assert "\r" not in err
    assert len(lines(err)) == 1, err
    assert err.startswith(result_line(path, fmt, tasks)), err


def one_error(err: str) -> str:
    """The reason of the single error line (checking that there is nothing else, no traceback)."""
    assert "Traceback" not in err
    assert len(lines(err)) == 1, err
    prefix = f"{PROG}: error: "
    assert err.startswith(prefix)
    return err[len(prefix) :].rstrip("\n")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# -- help, version, usage -----------------------------------------------------------------------------


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--version") == (0, f"{PROG} {label_studio_sdk.__version__}\n", "")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("", "export import --version examples:"),
        (
            "export",
            "--input --output --format --csv-no-header --image-dir --label-dir --upload-dir --hostname "
            "--annotations --workers --fail-on-download-error --heartex-format --brush-to-coco "
            "JSON_MIN COCO_WITH_IMAGES BRUSH_TO_PNG ASR_MANIFEST LABEL_STUDIO_API_KEY",
        ),
        ("import", "yolo coco"),
        ("import yolo", "--image-dims --image-ext --image-root-url --out-type --to-name classes.txt"),
        ("import coco", "--point-width --use-super-categories --image-root-url --from-name"),
    ],
)
def test_every_level_has_a_help(capsys: pytest.CaptureFixture[str], command: str, expected: str) -> None:
    code, out, err = run(capsys, command, "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"usage: {' '.join([PROG, *command.split()])} ")
    for word in expected.split():
        assert word in out


@pytest.mark.parametrize("command", ["", "import"])
def test_no_command_prints_the_help_and_exits_2(capsys: pytest.CaptureFixture[str], command: str) -> None:
    # The published printed a hint and exited 0, so a script could not tell that nothing was done.
    code, out, err = run(capsys, command)
    assert (code, out) == (2, "")
    assert err.startswith(f"usage: {' '.join([PROG, *command.split()])} ")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("bogus", "argument COMMAND: invalid choice: 'bogus'"),
        ("export", "the following arguments are required: -i/--input"),
        ("export -i x.json --workers 0", "argument --workers: must be 1 or more, not 0"),
        (
            "export -i x.json --csv-separator ';;'",
            "argument --csv-separator: the separator must be one character",
        ),
        ("export -i x.json --annotations latest", "argument --annotations: invalid choice: 'latest'"),
        ("import yolo -i d --out-type tasks", "argument --out-type: invalid choice: 'tasks'"),
        ("import yolo -i d --image-dims 600", "argument --image-dims: expected 2 arguments"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], command: str, reason: str
) -> None:
    code, out, err = run(capsys, command)
    assert (code, out) == (2, "")
    assert one_error(err).startswith(reason)
    assert err.rstrip().endswith("--help')")


def test_an_unknown_format_lists_the_names(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export -i export.json -f PASCAL")
    assert (code, out) == (2, "")
    reason = one_error(err)
    assert reason.startswith(
        "argument -f/--format: unknown format 'PASCAL'; valid names: JSON, JSON_MIN, CSV, "
    )
    for name in ("COCO_WITH_IMAGES", "BRUSH_TO_PNG", "ASR_MANIFEST", "YOLO_OBB_WITH_IMAGES"):
        assert name in reason
    assert not (project / "output").exists()


@pytest.mark.parametrize("given", ["json_min", "Json-Min", "JSON_MIN"])
def test_format_names_in_any_case(project: Path, capsys: pytest.CaptureFixture[str], given: str) -> None:
    code, _, err = run(capsys, f"export -i export.json -f {given} -o out")
    assert code == 0
    only_result_line(err, project / "out" / "result.json", "JSON_MIN")


def test_formats_other_than_the_tabular_ones_need_a_config(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "export -i export.json -f COCO -o out")
    assert (code, out) == (2, "")
    assert one_error(err) == "the COCO format needs the labeling config: pass -c CONFIG.xml"
    assert not (project / "out").exists()


# -- export: the published bugs, fixed ----------------------------------------------------------------


def test_json_of_a_file_writes_the_tasks(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The published CLI wrote an empty array for a file input.
    code, out, err = run(capsys, "export -i export.json -f JSON -o out")
    assert (code, out) == (0, "")
    only_result_line(err, project / "out" / "result.json", "JSON")
    assert read_json(project / "out" / "result.json") == [image_task()]


def test_output_defaults_to_output_in_the_current_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The published default was <site-packages>/label_studio_sdk/converter/output.
    code, _, err = run(capsys, "export -i export.json")
    assert code == 0
    only_result_line(err, project / "output" / "result.json", "JSON")
    assert read_json(project / "output" / "result.json") == [image_task()]
    assert not (Path(cli.__file__).parent / "output").exists()


def test_a_folder_of_json_files_is_read(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The published --heartex-format was always on, so a folder could not be read.
    folder = project / "exports"
    folder.mkdir()
    write_json(folder / "b.json", [image_task(2)])
    write_json(folder / "a.json", [image_task(1)])
    (folder / "notes.txt").write_text("not an export", encoding="utf-8")
    code, _, err = run(capsys, "export -i exports -c config.xml -f JSON -o out")
    assert code == 0
    only_result_line(err, project / "out" / "result.json", "JSON", tasks=2)
    assert read_json(project / "out" / "result.json") == [image_task(1), image_task(2)]


def test_an_empty_folder_is_a_warning(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "empty").mkdir()
    code, _, err = run(capsys, "export -i empty -o out")
    assert code == 0
    assert lines(err)[0] == f"{PROG}: warning: the input folder {project / 'empty'} holds no *.json files"
    assert lines(err)[1].startswith(result_line(project / "out" / "result.json", "JSON", 0))
    assert lines(err)[1].endswith(", 1 warning)")
    assert read_json(project / "out" / "result.json") == []


def test_json_min_works(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The published CLI raised FormatNotSupportedError for JSON_MIN.
    code, _, err = run(capsys, "export -i export.json -c config.xml -f JSON_MIN -o out")
    assert code == 0
    only_result_line(err, project / "out" / "result.json", "JSON_MIN")
    value = {**rectangle()["value"], "original_width": 40, "original_height": 20}
    assert read_json(project / "out" / "result.json") == [
        {
            "image": "/data/upload/1/x.png",
            "id": 1,
            "label": [value],
            "annotator": 1,
            "annotation_id": 10,
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": None,
            "lead_time": None,
        }
    ]


def test_the_annotations_option_chooses(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    task = image_task()
    task["annotations"].append(
        {"id": 11, "created_at": "2024-02-01T00:00:00Z", "completed_by": 2, "result": [rectangle("Dog")]}
    )
    write_json(project / "two.json", [task])
    chosen = {}
    for choice in ("newest", "oldest", "all"):
        code, _, _ = run(
            capsys, f"export -i two.json -c config.xml -f JSON_MIN -o {choice} --annotations {choice}"
        )
        assert code == 0
        chosen[choice] = [record["annotation_id"] for record in read_json(project / choice / "result.json")]
    assert chosen == {"newest": [11], "oldest": [10], "all": [11, 10]}


def test_csv_no_header_is_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The published wrote the header whatever --csv-no-header said.
    code, _, err = run(
        capsys, "export -i export.json -c config.xml -f CSV -o out --csv-no-header --csv-separator ';'"
    )
    assert code == 0
    only_result_line(err, project / "out" / "result.csv", "CSV")
    assert lines((project / "out" / "result.csv").read_text(encoding="utf-8")) == [
        '10;"1";"2024-01-01T00:00:00Z";1;"/data/upload/1/x.png";"[{""x"":10,""y"":20,""width"":50,""height"":25,'
        '""rotation"":0,""rectanglelabels"":[""Cat""],""original_width"":40,""original_height"":20}]";"";""'
    ]


def test_a_header_by_default_and_a_tab_written_as_backslash_t(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, r"export -i export.json -f CSV -o out --csv-separator '\t'")
    assert code == 0
    # A tab-separated file is named result.tsv, whichever of CSV and TSV was asked for.
    only_result_line(err, project / "out" / "result.tsv", "CSV")
    header = lines((project / "out" / "result.tsv").read_text(encoding="utf-8"))[0]
    assert header.split("\t") == [
        f'"{name}"'
        for name in (
            "annotation_id",
            "annotator",
            "created_at",
            "id",
            "image",
            "label",
            "lead_time",
            "updated_at",
        )
    ]


def test_options_a_format_does_not_read_are_warned_about(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = "export -i export.json -f JSON -o out --image-dir img --csv-no-header --label-dir lab --annotations all"
    code, _, err = run(capsys, command)
    assert code == 0
    assert lines(err)[:4] == [
        f"{PROG}: warning: --csv-no-header has no effect on the JSON format",
        f"{PROG}: warning: --annotations has no effect on the JSON format",
        f"{PROG}: warning: --image-dir has no effect on the JSON format",
        f"{PROG}: warning: --label-dir has no effect on the JSON format",
    ]
    assert not (project / "img").exists()


def test_compatibility_flags_are_accepted_and_change_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "export -i export.json -c config.xml -f JSON_MIN -o plain")[0] == 0
    code, _, err = run(
        capsys, "export -i export.json -c config.xml -f JSON_MIN -o compat --heartex-format --brush-to-coco"
    )
    assert code == 0
    only_result_line(err, project / "compat" / "result.json", "JSON_MIN")
    assert (project / "compat" / "result.json").read_bytes() == (
        project / "plain" / "result.json"
    ).read_bytes()


def test_coco_with_images_copies_the_upload(
    project: Path, upload: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The published CLI raised FormatNotSupportedError for COCO_WITH_IMAGES.
    pytest.importorskip("label_studio_sdk.converter.exports.coco")
    code, out, err = run(
        capsys, "export -i export.json -c config.xml -f COCO_WITH_IMAGES -o coco --upload-dir upload"
    )
    assert (code, out) == (0, "")
    only_result_line(err, project / "coco" / "result.json", "COCO_WITH_IMAGES")
    assert sorted(path.name for path in (project / "coco").iterdir()) == ["images", "result.json"]
    assert (project / "coco" / "images" / "x.png").read_bytes() == (upload / "1" / "x.png").read_bytes()
    coco = read_json(project / "coco" / "result.json")
    assert coco["images"] == [{"width": 40, "height": 20, "id": 0, "file_name": "images/x.png"}]
    assert [annotation["bbox"] for annotation in coco["annotations"]] == [[4.0, 4.0, 20.0, 5.0]]


@pytest.mark.parametrize(
    ("fmt", "module"),
    [
        ("COCO_WITH_IMAGES", "coco"),
        ("VOC", "voc"),
        ("YOLO_WITH_IMAGES", "yolo"),
        ("YOLO_OBB_WITH_IMAGES", "yolo"),
    ],
)
def test_image_dir_is_honoured(
    project: Path, upload: Path, capsys: pytest.CaptureFixture[str], fmt: str, module: str
) -> None:
    # The published passed --image-dir as output_image_dir, which convert() does not read, for these formats.
    pytest.importorskip(f"label_studio_sdk.converter.exports.{module}")
    code, _, err = run(
        capsys,
        f"export -i export.json -c config.xml -f {fmt} -o out --upload-dir upload --image-dir pictures",
    )
    assert code == 0, err
    assert [path.name for path in (project / "pictures").iterdir()] == ["x.png"]
    images = project / "out" / "images"
    assert not images.exists() or not any(images.iterdir())


def test_label_dir_is_honoured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("label_studio_sdk.converter.exports.yolo")
    code, _, err = run(capsys, "export -i export.json -c config.xml -f yolo -o out --label-dir yolo_labels")
    assert code == 0, err
    assert [path.suffix for path in (project / "yolo_labels").iterdir()] == [".txt"]


def brush_export(project: Path) -> None:
    """brush.json (one 4x3 brush mask) and brush.xml."""
    numpy = pytest.importorskip("numpy")
    from label_studio_sdk.converter.brush import mask2rle

    mask = numpy.zeros((3, 4), dtype=numpy.uint8)
    mask[1, 1:3] = 255
    value = {"format": "rle", "rle": mask2rle(mask), "brushlabels": ["Cat"]}
    region: Dict[str, Any] = {"id": "b1", "from_name": "tag", "to_name": "image", "type": "brushlabels"}
    region.update(value=value, original_width=4, original_height=3)
    annotation = {"id": 10, "created_at": "2024-01-01", "completed_by": 1, "result": [region]}
    write_json(
        project / "brush.json",
        [{"id": 1, "data": {"image": "/data/upload/1/x.png"}, "annotations": [annotation]}],
    )
    (project / "brush.xml").write_text(BRUSH_CONFIG, encoding="utf-8")


@pytest.mark.parametrize(
    ("fmt", "module", "written"),
    [
        ("BRUSH_TO_NUMPY", "brush_masks", "task-1-annotation-10-by-1-tag-Cat-0.npy"),
        ("BRUSH_TO_PNG", "brush_masks", "task-1-annotation-10-by-1-tag-Cat-0.png"),
        ("BRUSH_TO_COCO", "brush_coco", "result_coco.json"),
    ],
)
def test_brush_formats_work(
    project: Path, capsys: pytest.CaptureFixture[str], fmt: str, module: str, written: str
) -> None:
    # The published CLI raised FormatNotSupportedError for BRUSH_TO_NUMPY and BRUSH_TO_PNG.
    pytest.importorskip(f"label_studio_sdk.converter.exports.{module}")
    pytest.importorskip("PIL.Image")
    brush_export(project)
    code, _, err = run(capsys, f"export -i brush.json -c brush.xml -f {fmt} -o out")
    assert code == 0, err
    assert (project / "out" / written).is_file()
    only_result_line(err, project / "out" / ("result_coco.json" if fmt == "BRUSH_TO_COCO" else ""), fmt)


def make_wav(path: Path, seconds: float = 0.5, rate: int = 8000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"\0\0" * int(seconds * rate))


def test_asr_manifest_works(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The published CLI raised FormatNotSupportedError for ASR_MANIFEST.
    make_wav(project / "upload" / "1" / "a.wav")
    write_json(project / "asr.json", [audio_task(7, "/data/upload/1/a.wav")])
    (project / "asr.xml").write_text(AUDIO_CONFIG, encoding="utf-8")
    code, _, err = run(capsys, "export -i asr.json -c asr.xml -f asr_manifest -o out --upload-dir upload")
    assert code == 0, err
    only_result_line(err, project / "out" / "manifest.json", "ASR_MANIFEST")
    (line,) = lines((project / "out" / "manifest.json").read_text(encoding="utf-8"))
    record = json.loads(line)
    assert (record["audio_filepath"], record["duration"], record["text"]) == ("audio/a.wav", 0.5, "hello")
    assert (project / "out" / "audio" / "a.wav").read_bytes() == (
        project / "upload" / "1" / "a.wav"
    ).read_bytes()


# -- export: failures ---------------------------------------------------------------------------------


def test_a_missing_input(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export -i nope.json")
    assert (code, out) == (1, "")
    assert one_error(err) == f"the input '{project / 'nope.json'}' does not exist"


def test_a_damaged_export(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "broken.json").write_text('[{"id": 1, "data":', encoding="utf-8")
    code, _, err = run(capsys, "export -i broken.json -o out")
    assert code == 1
    reason = one_error(err)
    assert str(project / "broken.json") in reason and "task #0" in reason
    assert not (project / "out" / "result.json").exists()


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ("missing.xml", "cannot read the labeling config 'missing.xml': No such file or directory"),
        ("bad.xml", "the labeling config (bad.xml) cannot be used: "),
        ("notxml.xml", "the labeling config 'notxml.xml' is not XML (it should start with <View>)"),
    ],
)
def test_a_bad_config(project: Path, capsys: pytest.CaptureFixture[str], config: str, reason: str) -> None:
    (project / "bad.xml").write_text('<View><Image name="x" value="$image"/>', encoding="utf-8")
    (project / "notxml.xml").write_text("View", encoding="utf-8")
    code, _, err = run(capsys, f"export -i export.json -c {config} -f CSV -o out")
    assert code == 1
    assert one_error(err).startswith(reason)


def test_a_config_with_a_bom_and_the_xml_itself(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "bom.xml").write_bytes(b"\xef\xbb\xbf\n" + IMAGE_CONFIG.encode("utf-8"))
    for config in ("bom.xml", IMAGE_CONFIG):
        code, _, err = run(capsys, "export -i export.json -f COCO -o out -c", config)
        assert code == 0, err


def test_a_format_the_config_cannot_give(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "export -i export.json -c config.xml -f CONLL2003 -o out")
    assert code == 1
    assert one_error(err).startswith(
        "the labeling config cannot be exported as CONLL2003; it supports JSON, "
    )


def test_a_format_this_release_cannot_write(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "document.xml").write_text(DOCUMENT_CONFIG, encoding="utf-8")
    code, _, err = run(capsys, "export -i export.json -c document.xml -f DOCLANG -o out")
    assert code == 1
    assert one_error(err) == "the DOCLANG export is not available in this release"


def test_a_missing_extra(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("label_studio_sdk.converter.exports.brush_masks")
    brush_export(project)
    monkeypatch.setitem(sys.modules, "PIL", None)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    code, _, err = run(capsys, "export -i brush.json -c brush.xml -f BRUSH_TO_PNG -o out")
    assert code == 1
    reason = one_error(err)
    assert "Pillow" in reason and 'pip install "label-studio-sdk[converter]"' in reason


def test_an_output_that_is_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "taken").write_text("", encoding="utf-8")
    code, _, err = run(capsys, "export -i export.json -o taken")
    assert code == 1
    assert "exists and is not a directory" in one_error(err)


def test_a_download_failure_is_a_warning_or_with_the_flag_an_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_json(project / "asr.json", [audio_task(7, "/data/upload/1/missing.wav")])
    (project / "asr.xml").write_text(AUDIO_CONFIG, encoding="utf-8")
    (project / "upload").mkdir()
    command = "export -i asr.json -c asr.xml -f ASR_MANIFEST -o out --upload-dir upload"
    code, _, err = run(capsys, command)
    assert code == 0
    assert lines(err)[0].startswith(f"{PROG}: warning: task 7: cannot get /data/upload/1/missing.wav: ")
    assert lines(err)[1].endswith(", 1 warning)")
    assert (project / "out" / "manifest.json").read_text(encoding="utf-8") == ""
    code, _, err = run(capsys, command, "--fail-on-download-error")
    assert code == 1
    assert one_error(err).startswith("task 7: cannot get /data/upload/1/missing.wav: ")


@pytest.mark.parametrize("extra", ["", "--fail-on-download-error", "--debug", "-v"])
def test_the_api_key_never_shows(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, extra: str
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", MARKER)
    host = f"http://127.0.0.1:{closed_port()}"
    # The second URL holds the key itself, so its download error would show the key if nothing masked it.
    write_json(
        project / "asr.json",
        [audio_task(1, "/data/upload/1/a.wav"), audio_task(2, f"{host}/b.wav?token={MARKER}")],
    )
    (project / "asr.xml").write_text(AUDIO_CONFIG, encoding="utf-8")
    command = f"export -i asr.json -c asr.xml -f ASR_MANIFEST -o out --hostname {host} --workers 1 {extra}"
    code, out, err = run(capsys, command)
    assert code == (1 if extra == "--fail-on-download-error" else 0)
    assert MARKER not in out + err
    assert "cannot get" in err
    if extra != "--fail-on-download-error":
        assert f"{host}/b.wav?token=***" in err


def test_a_password_in_the_hostname_never_shows(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    host = f"http://user:{MARKER}@127.0.0.1:{closed_port()}"
    write_json(project / "asr.json", [audio_task(1, "/data/upload/1/a.wav")])
    (project / "asr.xml").write_text(AUDIO_CONFIG, encoding="utf-8")
    code, out, err = run(
        capsys, f"export -i asr.json -c asr.xml -f ASR_MANIFEST -o out --hostname {host} --debug"
    )
    assert code == 0
    assert MARKER not in out + err
    assert "cannot get /data/upload/1/a.wav" in err


def test_an_unexpected_error_keeps_its_traceback_masked(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from label_studio_sdk.converter.converter import Converter

    def broken(*args: Any, **kwargs: Any) -> Path:
        raise RuntimeError(f"boom {MARKER}")

    monkeypatch.setenv("LABEL_STUDIO_API_KEY", MARKER)
    monkeypatch.setattr(Converter, "convert", broken)
    code, _, err = run(capsys, "export -i export.json -o out")
    assert code == 1
    assert err.startswith("Traceback (most recent call last):\n")
    assert "RuntimeError: boom ***\n" in err and MARKER not in err
    assert lines(err)[-1] == (
        f"{PROG}: error: unexpected RuntimeError (a bug in {PROG}; please report it with the traceback)"
    )


def test_an_interrupt_is_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from label_studio_sdk.converter.converter import Converter

    def interrupted(*args: Any, **kwargs: Any) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(Converter, "convert", interrupted)
    code, _, err = run(capsys, "export -i export.json -o out")
    assert (code, err) == (130, f"{PROG}: error: interrupted\n")


# -- output: quiet, verbose, the progress bar ------------------------------------------------------------


def test_quiet_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "-q export -i export.json -o out") == (0, "", "")
    assert run(capsys, "export -i export.json -o out --quiet") == (0, "", "")
    assert (project / "out" / "result.json").exists()


@pytest.mark.parametrize(
    ("flags", "level"),
    [
        ("", logging.WARNING),
        ("-v", logging.INFO),
        ("--debug", logging.DEBUG),
        ("-q", logging.ERROR),
        ("-q -v", logging.ERROR),
    ],
)
def test_verbosity_options_before_or_after_the_command(flags: str, level: int) -> None:
    parser = cli.build_parser()
    before = parser.parse_args([*flags.split(), "export", "-i", "x.json"])
    after = parser.parse_args(["export", "-i", "x.json", *flags.split()])
    assert cli._log_level(before) == cli._log_level(after) == level


def test_info_messages_show_with_verbose(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from label_studio_sdk.converter.converter import Converter

    original = Converter.convert

    def chatty(self: Converter, *args: Any, **kwargs: Any) -> Path:
        logging.getLogger("label_studio_sdk.converter.test").info("an info message")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Converter, "convert", chatty)
    assert ": info:" not in run(capsys, "export -i export.json -o out")[2]
    assert lines(run(capsys, "export -i export.json -o out -v")[2])[0] == f"{PROG}: info: an info message"
    assert lines(run(capsys, "export -i export.json -o out --debug")[2])[0] == (
        f"{PROG}: info: label_studio_sdk.converter.test: an info message"
    )


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0  # sums of 0.05 steps from 0 stay exact

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_count_and_rate_at_most_every_interval() -> None:
    stream, clock = FakeTerminal(), Clock()
    bar = ProgressBar(stream, label="exporting COCO", clock=clock, width=80)
    assert bar.text() == "exporting COCO: 0 tasks read, - tasks/s"
    bar(1)
    assert stream.getvalue() == "\rexporting COCO: 1 task read, - tasks/s"
    clock.now += 0.05
    bar(2)  # too soon: not drawn
    assert stream.getvalue() == "\rexporting COCO: 1 task read, - tasks/s"
    clock.now += 0.05
    bar(30)
    assert stream.getvalue().endswith("\rexporting COCO: 30 tasks read, 300 tasks/s")
    clock.now += 0.9
    bar(1500)
    last = "exporting COCO: 1,500 tasks read, 1,500 tasks/s"
    assert stream.getvalue().endswith("\r" + last)
    assert stream.getvalue().count("\r") == 3
    bar.close()
    assert stream.getvalue().endswith("\r" + last + "\r" + " " * len(last) + "\r")
    size = len(stream.getvalue())
    bar(1600)  # closed: nothing more is drawn, the count is kept
    assert len(stream.getvalue()) == size and bar.count == 1600


def test_a_shorter_line_covers_the_longer_one_and_lines_fit_the_width() -> None:
    stream, clock = FakeTerminal(), Clock()
    bar = ProgressBar(stream, label="x", clock=clock, width=80, interval=0)
    clock.now += 1
    bar(123456)
    clock.now += 1000
    bar(123457)  # the rate drops from 123,456/s to 123/s: the line gets shorter
    last = stream.getvalue().rsplit("\r", 1)[1]
    assert last == "x: 123,457 tasks read, 123 tasks/s".ljust(len("x: 123,456 tasks read, 123,456 tasks/s"))
    narrow = FakeTerminal()
    ProgressBar(narrow, label="exporting YOLO_OBB_WITH_IMAGES", width=20)(5)
    assert narrow.getvalue() == "\rexporting YOLO_OBB_"  # one column short of the width: no wrapping


def test_a_second_pass_is_shown() -> None:
    stream, clock = FakeTerminal(), Clock()
    bar = ProgressBar(stream, label="exporting CSV", clock=clock, width=80, interval=0)
    bar(5)
    clock.now += 1
    bar(1)
    assert (bar.passes, bar.count) == (2, 1)
    assert stream.getvalue().endswith("\rexporting CSV: 1 task read, - tasks/s (pass 2)")
    clock.now += 1
    bar(2)
    assert stream.getvalue().endswith("\rexporting CSV: 2 tasks read, 2 tasks/s (pass 2)")


def test_is_terminal() -> None:
    closed = io.StringIO()
    closed.close()
    assert is_terminal(FakeTerminal())
    assert not is_terminal(io.StringIO())
    assert not is_terminal(closed)  # isatty() raises ValueError on a closed stream
    assert not is_terminal(object())  # type: ignore[arg-type]


def test_messages_are_written_around_the_bar() -> None:
    stream, clock = FakeTerminal(), Clock()
    console = cli._Console(stream, [MARKER], quiet=False)
    console.bar = ProgressBar(stream, label="exporting JSON", clock=clock, width=80)
    console.bar(3)
    console.write(f"warning with {MARKER}")
    drawn = "exporting JSON: 3 tasks read, - tasks/s"
    blank = "\r" + " " * len(drawn) + "\r"
    assert stream.getvalue() == "\r" + drawn + blank + "warning with ***\n" + "\r" + drawn


def test_export_on_a_terminal_shows_the_bar_then_the_result(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    write_json(project / "three.json", [image_task(1), image_task(2), image_task(3)])
    assert main(["export", "-i", "three.json", "-o", "out"]) == 0
    err = terminal.getvalue()
    assert err.startswith("\rexporting JSON: 1 task read, ")
    bar_part, result = err.rsplit("\r", 1)
    assert bar_part.endswith(" ")  # the bar line was blanked before the result
    assert result.startswith(result_line(project / "out" / "result.json", "JSON", tasks=3))
    assert result.count("\n") == 1 and result.endswith(")\n")
    assert capsys.readouterr().out == ""
    terminal.seek(0)
    terminal.truncate()
    assert main(["export", "-i", "three.json", "-o", "out", "-q"]) == 0
    assert terminal.getvalue() == ""


# -- logging hygiene, import cost, python -m ----------------------------------------------------------


def test_logging_is_set_up_only_while_main_runs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    assert run(capsys, "export -i export.json -o out --debug")[0] == 0
    assert run(capsys, "export -i nope.json")[0] == 1
    assert (root.handlers, root.level) == (handlers, level)


def test_importing_main_is_cheap_and_configures_nothing() -> None:
    code = (
        "import logging, sys\n"
        "import label_studio_sdk.converter.main\n"
        "prefixes = ('label_studio_sdk.converter.exports.', 'label_studio_sdk.converter.imports')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(prefixes) and not m.endswith('._output'))\n"
        "print(loaded, logging.getLogger().handlers, logging.getLogger().level)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (done.stdout, done.stderr) == (f"[] [] {logging.WARNING}\n", "")


def test_python_dash_m(project: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LABEL_STUDIO_")}
    command = [sys.executable, "-m", "label_studio_sdk.converter.main"]
    done = subprocess.run(
        [*command, "export", "-i", "export.json", "-f", "json_min", "-c", "config.xml"],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
    )
    assert (done.returncode, done.stdout) == (0, "")
    only_result_line(done.stderr, project / "output" / "result.json", "JSON_MIN")
    assert read_json(project / "output" / "result.json")[0]["id"] == 1
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode == 2 and done.stderr.startswith(f"usage: {PROG} ")


# -- the published CLI, as a black box ----------------------------------------------------------------


def published(project: Path, command: str) -> subprocess.CompletedProcess[str]:
    python = server_python()
    if python is None:
        pytest.skip(
            "the published label-studio-sdk (in the Label Studio server's virtualenv) is not installed"
        )
    env = {key: value for key, value in os.environ.items() if not key.startswith("LABEL_STUDIO_")}
    return subprocess.run(
        [str(python), "-I", "-m", "label_studio_sdk.converter.main", *shlex.split(command)],
        capture_output=True,
        text=True,
        cwd=project,
        env=env,
    )


def test_published_json_of_a_file_and_csv_no_header_differ(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    published(project, "export -i export.json -o theirs -f JSON")
    assert read_json(project / "theirs" / "result.json") == []
    assert run(capsys, "export -i export.json -o ours -f JSON")[0] == 0
    assert read_json(project / "ours" / "result.json") == [image_task()]

    published(project, "export -i export.json -o theirs_csv -f CSV --csv-no-header -c config.xml")
    assert run(capsys, "export -i export.json -o ours_csv -f CSV --csv-no-header -c config.xml")[0] == 0
    theirs = lines((project / "theirs_csv" / "result.csv").read_text(encoding="utf-8"))
    ours = lines((project / "ours_csv" / "result.csv").read_text(encoding="utf-8"))
    assert theirs[0].startswith('"annotation_id"')  # their header, despite --csv-no-header
    assert ours == theirs[1:]  # the same row, without it


def test_published_refused_json_min(project: Path) -> None:
    done = published(project, "export -i export.json -o theirs -f JSON_MIN -c config.xml")
    assert "Traceback" in done.stderr and "FormatNotSupportedError" in done.stderr


# -- import -------------------------------------------------------------------------------------------


def yolo_dataset(root: Path, image_bytes: bytes) -> Path:
    (root / "images").mkdir(parents=True)
    (root / "labels").mkdir()
    (root / "images" / "a.jpg").write_bytes(image_bytes)
    (root / "labels" / "a.txt").write_text("0 0.5 0.5 0.2 0.4\n", encoding="utf-8")
    (root / "classes.txt").write_text("Cat\n", encoding="utf-8")
    return root


def regions(task: Dict[str, Any], kind: str) -> List[Dict[str, Any]]:
    return [region for entry in task[kind] for region in entry["result"]]


def import_result_line(project: Path) -> str:
    return (
        f"{PROG}: wrote Label Studio tasks to {project / 'tasks.json'} (1 task, 1 region) "
        f"and their labeling config to {project / 'tasks.label_config.xml'}"
    )


def test_import_yolo_passes_image_dims(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The published parsed --image-dims and never passed it on. Here the image is not even a picture,
    # so the import can only succeed by using the size given.
    pytest.importorskip("label_studio_sdk.converter.imports.yolo")
    yolo_dataset(project / "ds", b"not an image")
    command = "import yolo -i ds -o tasks.json --image-dims 200 100 --out-type predictions"
    code, out, err = run(capsys, command, "--image-root-url", "/data/local-files/?d=ds/images")
    assert (code, out) == (0, ""), err
    assert lines(err)[0] == import_result_line(project)
    assert lines(err)[1] == "To use these tasks in Label Studio:"
    assert "RectangleLabels" in (project / "tasks.label_config.xml").read_text(encoding="utf-8")
    tasks = read_json(project / "tasks.json")
    assert [task["data"]["image"] for task in tasks] == ["/data/local-files/?d=ds/images/a.jpg"]
    (region,) = regions(tasks[0], "predictions")
    assert (region["original_width"], region["original_height"]) == (200, 100)
    assert region["value"]["rectanglelabels"] == ["Cat"]
    assert region["value"]["x"] == pytest.approx(40.0) and region["value"]["width"] == pytest.approx(20.0)


def test_import_yolo_reads_the_image_size(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("label_studio_sdk.converter.imports.yolo")
    image_module = pytest.importorskip("PIL.Image")
    buffer = io.BytesIO()
    image_module.new("RGB", (64, 32)).save(buffer, format="JPEG")
    yolo_dataset(project / "ds", buffer.getvalue())
    assert run(capsys, "import yolo -i ds --to-name img --from-name box -q") == (0, "", "")
    (region,) = regions(read_json(project / "output.json")[0], "annotations")
    assert (region["original_width"], region["original_height"]) == (64, 32)
    assert (region["from_name"], region["to_name"]) == ("box", "img")


def test_import_yolo_needs_a_folder(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "import yolo -i export.json")
    assert code == 1
    assert (
        one_error(err)
        == f"the YOLO dataset folder '{project / 'export.json'}' does not exist or is not a folder"
    )


def test_import_coco(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("label_studio_sdk.converter.imports.coco")
    coco = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 20, "height": 10}],
        "categories": [{"id": 1, "name": "Cat", "supercategory": "animal"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [2, 1, 4, 2], "area": 8, "iscrowd": 0}
        ],
    }
    write_json(project / "coco.json", coco)
    command = "import coco -i coco.json -o tasks.json --use-super-categories --image-root-url /data/local-files/?d=coco/"
    code, out, err = run(capsys, command)
    assert (code, out) == (0, ""), err
    assert lines(err)[0] == import_result_line(project)
    tasks = read_json(project / "tasks.json")
    assert [task["data"]["image"] for task in tasks] == ["/data/local-files/?d=coco/a.jpg"]
    (region,) = regions(tasks[0], "annotations")
    assert region["value"]["rectanglelabels"] == ["animal:Cat"]
    assert region["value"]["x"] == pytest.approx(10.0) and region["value"]["y"] == pytest.approx(10.0)


def test_import_coco_needs_a_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "import coco -i nope.json")
    assert code == 1
    assert one_error(err) == f"the COCO file '{project / 'nope.json'}' does not exist or is not a file"


def test_import_coco_of_a_damaged_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("label_studio_sdk.converter.imports.coco")
    (project / "coco.json").write_text('{"images": [', encoding="utf-8")
    code, _, err = run(capsys, "import coco -i coco.json")
    assert code == 1
    assert str(project / "coco.json") in one_error(err)
