"""``Converter``: configs in every accepted form, the format list the server shows, and ``convert`` dispatch."""

from __future__ import annotations

import json
import wave
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from label_studio_sdk.converter import Converter, Format, FormatNotSupportedError, UnknownFormatError
from label_studio_sdk.converter.formats import FORMAT_INFO

IMAGE_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image"><Label value="cat"/><Label value="dog"/></RectangleLabels>
</View>"""
ASR_CONFIG = (
    '<View><Audio name="audio" value="$audio"/><TextArea name="transcription" toName="audio"/></View>'
)
TEXT_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/></Labels>
  <Choices name="mood" toName="text"><Choice value="happy"/></Choices>
</View>"""


def _text_tasks() -> List[Dict[str, Any]]:
    return [
        {
            "id": number,
            "data": {"text": f"Ann met Bob {number}"},
            "annotations": [
                {
                    "id": 10 + number,
                    "created_at": f"2024-01-0{number}T00:00:00Z",
                    "completed_by": {"email": "a@example.com"},
                    "result": [
                        {
                            "from_name": "ner",
                            "to_name": "text",
                            "type": "labels",
                            "value": {"start": 0, "end": 3, "text": "Ann", "labels": ["PER"]},
                        },
                        {
                            "from_name": "mood",
                            "to_name": "text",
                            "type": "choices",
                            "value": {"choices": ["happy"]},
                        },
                    ],
                }
            ],
        }
        for number in range(1, 4)
    ]


@pytest.fixture
def text_export(tmp_path: Path) -> Path:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_text_tasks()))
    return path


def test_config_as_xml_string_path_and_parsed_dict_agree(tmp_path: Path) -> None:
    config_file = tmp_path / "config.xml"
    config_file.write_text(IMAGE_CONFIG)
    from_xml = Converter(IMAGE_CONFIG, project_dir=None)
    from_path = Converter(str(config_file), project_dir=None)
    from_pathlike = Converter(config_file, project_dir=None)
    from_dict = Converter(from_xml._schema, project_dir=None)
    assert from_xml._schema == from_path._schema == from_pathlike._schema == from_dict._schema
    assert from_xml._schema["label"]["labels"] == ["cat", "dog"]
    assert from_xml.supported_formats == from_dict.supported_formats
    assert "YOLO" in from_xml.supported_formats and "COCO_WITH_IMAGES" in from_xml.supported_formats
    assert from_xml._data_keys == ["image"]


def test_a_missing_config_leaves_the_json_formats(caplog: pytest.LogCaptureFixture) -> None:
    converter = Converter(None, project_dir=None)
    assert "no labeling config" in caplog.text
    assert set(converter.supported_formats) == {"JSON", "JSON_MIN", "CSV", "TSV", "CSV_OLD"}


def test_bad_configs_are_value_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Converter("<View><Image name='i' value='$i'></View>", project_dir=None)
    with pytest.raises(ValueError, match="cannot read the labeling config file"):
        Converter(str(tmp_path / "nope.xml"), project_dir=None)
    with pytest.raises(ValueError, match="output_tags names controls that are not in the config: nope"):
        Converter(IMAGE_CONFIG, project_dir=None, output_tags=["nope"])


def test_output_tags_limit_the_exported_controls(text_export: Path, tmp_path: Path) -> None:
    converter = Converter(TEXT_CONFIG, project_dir=None, output_tags=["mood"])
    assert list(converter._schema) == ["mood"]
    converter.convert(text_export, tmp_path / "out", Format.JSON_MIN)
    records = json.loads((tmp_path / "out" / "result.json").read_text())
    assert all("mood" in record and "ner" not in record for record in records)


def test_all_formats_is_what_the_server_lists_and_is_a_copy() -> None:
    converter = Converter(IMAGE_CONFIG, project_dir=None)
    formats = converter.all_formats()
    assert set(formats) == set(Format) - {Format.CSV_OLD}
    for info in formats.values():
        assert {"title", "description", "link"} <= set(info)
    formats[Format.JSON]["title"] = "changed"
    assert FORMAT_INFO[Format.JSON]["title"] == "JSON"


def test_doclang_is_not_offered() -> None:
    # The published offers DOCLANG for TextArea configs; it needs the doclang toolkit, which we do not ship.
    converter = Converter(ASR_CONFIG, project_dir=None)
    assert "DOCLANG" not in converter.supported_formats
    with pytest.raises(FormatNotSupportedError):
        converter.convert("in.json", "out", Format.DOCLANG)


def test_formats_by_member_or_exact_name(text_export: Path, tmp_path: Path) -> None:
    converter = Converter(TEXT_CONFIG, project_dir=None)
    by_name = converter.convert(text_export, tmp_path / "a", "JSON_MIN")
    by_member = converter.convert(text_export, tmp_path / "b", Format.JSON_MIN)
    assert by_name.read_bytes() == by_member.read_bytes()
    with pytest.raises(UnknownFormatError, match="valid names: JSON, JSON_MIN"):
        converter.convert(text_export, tmp_path / "c", "json_min")
    with pytest.raises(FormatNotSupportedError, match="cannot be exported as YOLO"):
        converter.convert(text_export, tmp_path / "d", Format.YOLO)


def test_json_from_a_file_writes_the_tasks_whatever_is_dir_says(text_export: Path, tmp_path: Path) -> None:
    # The published writes an empty list for a file with is_dir=True (its CLI always did).
    converter = Converter(TEXT_CONFIG, project_dir=None)
    for is_dir in (True, False):
        path = converter.convert(text_export, tmp_path / str(is_dir), Format.JSON, is_dir=is_dir)
        assert json.loads(path.read_text()) == _text_tasks()


def test_a_folder_of_exports_is_read_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    tasks = _text_tasks()
    (folder / "b.json").write_text(json.dumps(tasks[1:]))
    (folder / "a.json").write_text(json.dumps(tasks[0]))
    path = Converter(TEXT_CONFIG, project_dir=None).convert(folder, tmp_path / "out", Format.JSON)
    assert [task["id"] for task in json.loads(path.read_text())] == [1, 2, 3]


def test_csv_tsv_header_and_csv_old(text_export: Path, tmp_path: Path) -> None:
    converter = Converter(TEXT_CONFIG, project_dir=None)
    csv_path = converter.convert(text_export, tmp_path / "csv", Format.CSV)
    assert csv_path.name == "result.csv" and csv_path.read_text().startswith('"annotation_id"')
    bare = converter.convert(text_export, tmp_path / "bare", Format.CSV, csv_header=False)
    assert bare.read_text().splitlines() == csv_path.read_text().splitlines()[1:]
    tsv = converter.convert(text_export, tmp_path / "tsv", Format.TSV)
    assert "\t" in tsv.read_text().splitlines()[0]
    # CSV_OLD wrote nothing in the published (silently); here it is the CSV export.
    old = converter.convert(text_export, tmp_path / "old", Format.CSV_OLD)
    assert old.read_text() == csv_path.read_text()
    semicolon = converter.convert_to_csv(text_export, tmp_path / "semi", sep=";", header=True)
    assert ";" in semicolon.read_text().splitlines()[0]


def test_conll_and_per_format_methods(text_export: Path, tmp_path: Path) -> None:
    converter = Converter(TEXT_CONFIG, project_dir=None)
    conll = converter.convert_to_conll2003(text_export, tmp_path / "conll")
    assert conll.read_text().startswith("-DOCSTART- -X- O\nAnn -X- _ B-PER\nmet -X- _ O\n")
    assert json.loads(converter.convert_to_json(text_export, tmp_path / "j").read_text()) == _text_tasks()
    assert len(json.loads(converter.convert_to_json_min(text_export, tmp_path / "m").read_text())) == 3


def test_progress_is_reported_per_task(text_export: Path, tmp_path: Path) -> None:
    seen: List[int] = []
    Converter(TEXT_CONFIG, project_dir=None).convert(
        text_export, tmp_path / "o", Format.CSV, progress=seen.append
    )
    assert seen == [1, 2, 3]  # CSV reads the export once


def test_annotation_items_and_labels_helpers() -> None:
    converter = Converter(IMAGE_CONFIG, project_dir=None)
    categories, ids = converter._get_labels()
    assert categories == [{"id": 0, "name": "cat"}, {"id": 1, "name": "dog"}] and ids == {"cat": 0, "dog": 1}
    task = {
        "id": 1,
        "data": {"image": "x.png"},
        "annotations": [
            {"id": 1, "created_at": "2024-01-01", "result": []},
            {"id": 2, "created_at": "2024-02-01", "result": []},
        ],
    }
    assert [item["annotation_id"] for item in converter.annotation_result_from_task(task)] == [2, 1]


def test_the_access_token_stays_out_of_the_repr() -> None:
    converter = Converter(IMAGE_CONFIG, project_dir=None, access_token="tok-secret-987", hostname="http://h")
    assert "tok-secret-987" not in repr(converter) and "http://h" in repr(converter)


def _wav(path: Path, seconds: float, rate: int = 8000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(b"\0\0" * int(seconds * rate))


def _asr_task(task_id: int, url: str, texts: List[str], completed_by: Any) -> Dict[str, Any]:
    result = [
        {"from_name": "transcription", "to_name": "audio", "type": "textarea", "value": {"text": texts}}
    ]
    return {
        "id": task_id,
        "data": {"audio": url},
        "annotations": [{"id": task_id, "completed_by": completed_by, "result": result}],
    }


def test_asr_manifest_copies_audio_and_reads_durations(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    uploads = tmp_path / "upload"
    _wav(uploads / "1" / "a.wav", 1.5)
    local_root = tmp_path / "local"
    _wav(local_root / "clips" / "b.wav", 0.25, rate=16000)
    export = tmp_path / "asr.json"
    tasks = [
        _asr_task(1, "/data/upload/1/a.wav", ["hello world"], {"email": "x@y.z"}),
        _asr_task(2, "/data/upload/1/missing.wav", ["lost"], 3),
        _asr_task(3, "/data/local-files/?d=clips/b.wav", ["first", "second"], 4),
    ]
    export.write_text(json.dumps(tasks))
    resolved: List[str] = []

    def resolver(relative: str) -> Optional[str]:
        resolved.append(relative)
        return str(local_root / relative)

    converter = Converter(
        ASR_CONFIG, project_dir=None, upload_dir=str(uploads), local_files_resolver=resolver
    )
    manifest = converter.convert(export, tmp_path / "out", Format.ASR_MANIFEST, is_dir=False)
    lines = [json.loads(line) for line in manifest.read_text().splitlines()]
    assert lines == [
        {"audio_filepath": "audio/a.wav", "duration": 1.5, "text": "hello world", "annotator": "x@y.z"},
        {"audio_filepath": "audio/b.wav", "duration": 0.25, "text": "first", "annotator": "4"},
    ]
    assert resolved == ["clips/b.wav"]  # the resolver was installed for the call
    assert (tmp_path / "out" / "audio" / "a.wav").read_bytes() == (uploads / "1" / "a.wav").read_bytes()
    assert "task 2: cannot get /data/upload/1/missing.wav" in caplog.text


def test_asr_reads_flac_lengths_and_skips_unknown_audio(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from label_studio_sdk.converter.exports.asr import audio_duration

    flac = tmp_path / "a.flac"
    # "fLaC", a STREAMINFO block header, then min/max block and frame sizes, then rate/channels/bits/samples.
    packed = (44100 << 44) | (0 << 41) | (15 << 36) | 88200
    flac.write_bytes(
        b"fLaC"
        + b"\x00\x00\x00\x22"
        + b"\x10\x00\x10\x00"
        + b"\x00" * 6
        + packed.to_bytes(8, "big")
        + b"\0" * 16
    )
    assert audio_duration(flac) == pytest.approx(2.0)
    mp3 = tmp_path / "a.mp3"
    mp3.write_bytes(b"ID3\x03\x00" + b"\0" * 100)
    assert audio_duration(mp3) is None
    assert audio_duration(tmp_path / "missing.wav") is None


def test_brush_and_utils_import_without_the_export_machinery() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from label_studio_sdk.converter.brush import mask2rle\n"
        "from label_studio_sdk.converter.utils import convert_yolo_obb_to_annotation\n"
        "heavy = [m for m in ('label_studio_sdk.converter.converter', 'label_studio_sdk.converter.media',"
        " 'concurrent.futures', 'httpx') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
