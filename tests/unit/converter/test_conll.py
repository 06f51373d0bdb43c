"""The CONLL2003 writer and its tokenizer: the published files (label-studio-sdk 2.1.2, run as a black box in
one subprocess) where their tokenisation is sane, each deliberate difference pinned, and streaming memory."""

from __future__ import annotations

import json
import logging
import subprocess
import tracemalloc
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter.exports._output import ExportOutputError
from label_studio_sdk.converter.exports.conll import labels_controls, write_conll2003
from label_studio_sdk.converter.formats import FormatNotSupportedError
from label_studio_sdk.converter.items import Choose
from label_studio_sdk.converter.reader import iter_tasks
from label_studio_sdk.converter.utils import create_tokens_and_tags, token_offsets
from tests.ls_server_files import require_server_install, server_python

Task = Dict[str, Any]
SpanSpec = Tuple[int, int, List[str]]

CONFIG = (
    '<View><Text name="text" value="$text"/><Labels name="ner" toName="text">'
    '<Label value="PER"/><Label value="ORG"/><Label value="LOC"/></Labels></View>'
)
TWO_CONTROLS = (
    '<View><Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="PER"/></Labels>'
    '<Labels name="ner2" toName="text"><Label value="ORG"/></Labels>'
    '<Choices name="c" toName="text"><Choice value="x"/></Choices></View>'
)
HEADER = "-DOCSTART- -X- O\n"


def labels(text: str, start: int, end: int, names: List[str], from_name: str = "ner") -> Dict[str, Any]:
    value = {"start": start, "end": end, "text": text[start:end], "labels": names}
    return {"from_name": from_name, "to_name": "text", "type": "labels", "value": value}


def annotation(ident: int, results: List[Dict[str, Any]], **extra: Any) -> Dict[str, Any]:
    return {"id": ident, "created_at": f"2024-01-0{ident}", "result": results, **extra}


def task(text: str, spans: Sequence[SpanSpec], ident: int = 1) -> Task:
    results = [labels(text, start, end, names) for start, end, names in spans]
    return {"id": ident, "data": {"text": text}, "annotations": [annotation(1, results)]}


JOHN = "John met Mary"
# Exports whose tokens the published tokenizer splits sanely: our files must be identical.
SAME: Dict[str, Tuple[str, List[Task]]] = {
    "sentence": (
        CONFIG,
        [task("John Smith works at Acme Corp.", [(0, 10, ["PER"]), (20, 29, ["ORG"])])],
    ),
    "punctuation": (
        CONFIG,
        [task('Hello, John! Is "Acme" (the firm) here?', [(7, 11, ["PER"]), (17, 21, ["ORG"])])],
    ),
    "multiline-and-tabs": (CONFIG, [task("a  b\tc\nd\r\ne", [(3, 6, ["LOC"])])]),
    "many-tasks": (
        CONFIG,
        [
            task(JOHN, [(0, 4, ["PER"])], 1),
            {"id": 2, "data": {"text": "No labels here."}, "annotations": []},
            {"id": 3, "data": {"text": "no annotations key"}},
            {"id": 4, "data": {"text": "cancelled"}, "annotations": [annotation(1, [], was_cancelled=True)]},
            task("", [], 5),
        ],
    ),
    "overlap": (CONFIG, [task(JOHN, [(5, 13, ["ORG"]), (0, 8, ["PER"])])]),
    "nested": (CONFIG, [task(JOHN, [(5, 8, ["PER"]), (0, 13, ["ORG"])])]),
    "same-start": (CONFIG, [task(JOHN, [(0, 4, ["PER"]), (0, 8, ["ORG"])])]),
    "adjacent-same-label": (CONFIG, [task(JOHN, [(0, 4, ["PER"]), (5, 8, ["PER"])])]),
    "multi-label-span": (CONFIG, [task("Visit New York", [(6, 14, ["LOC", "ORG"])])]),
    "edge-whitespace": (
        CONFIG,
        [task("x John  met", [(1, 6, ["PER"]), (6, 8, ["ORG"]), (0, 1, [])])],
    ),
    "empty": (CONFIG, []),
}
# Exports where we differ on purpose; each is pinned by a test below.
DIFFERENT: Dict[str, Tuple[str, List[Task]]] = {
    "inside-word": (
        CONFIG,
        [task("unbelievable Johnmet", [(2, 6, ["PER"]), (13, 17, ["PER"]), (17, 20, ["ORG"])])],
    ),
    "cjk": (CONFIG, [task("我爱北京天安门", [(2, 4, ["LOC"]), (4, 7, ["LOC"])])]),
    "contraction": (CONFIG, [task("Acme's CEO isn't Dr. Smith.", [(0, 4, ["ORG"]), (21, 26, ["PER"])])]),
    "two-controls": (
        TWO_CONTROLS,
        [
            {
                "id": 1,
                "data": {"text": JOHN},
                "annotations": [
                    annotation(
                        1,
                        [
                            {
                                "from_name": "c",
                                "to_name": "text",
                                "type": "choices",
                                "value": {"choices": ["x"]},
                            },
                            labels(JOHN, 9, 13, ["ORG"], "ner2"),
                            labels(JOHN, 0, 4, ["PER"]),
                        ],
                    )
                ],
            }
        ],
    ),
    "two-annotations": (
        CONFIG,
        [
            {
                "id": 1,
                "data": {"text": JOHN},
                "annotations": [
                    annotation(1, [labels(JOHN, 0, 4, ["PER"])]),
                    annotation(2, [labels(JOHN, 9, 13, ["ORG"])]),
                ],
            }
        ],
    ),
    "missing-text": (
        CONFIG,
        [{"id": 1, "data": {"other": JOHN}, "annotations": []}, task(JOHN, [(0, 4, ["PER"])], 2)],
    ),
}
SANE_TOKEN_TEXTS = ["Hello, world! (twice) - ok?", "x,y;z", "ends.", "a/b x:y", "IBM,Acme 50% #tag @me"]
# Punctuation between word characters: the published keeps it inside the token, we split it off.
INNER_PUNCTUATION = {  # text: (our tokens, the published tokens)
    "a.b": (["a", ".", "b"], ["a.b"]),
    "Acme's": (["Acme", "'", "s"], ["Acme", "'s"]),
    "3.14 and 1,000": (["3", ".", "14", "and", "1", ",", "000"], ["3.14", "and", "1,000"]),
    "e-mail": (["e", "-", "mail"], ["e-mail"]),
}
TOKEN_TEXTS = SANE_TOKEN_TEXTS + list(INNER_PUNCTUATION)

# Reads {"cases": {name: [config, tasks]}, "texts": [...]} and answers
# {"files": {name: text or "!ErrorName"}, "tokens": [[tokens, tags], ...]}.
PUBLISHED_SCRIPT = """
import json, logging, os, sys, tempfile
logging.disable(logging.CRITICAL)
from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config
from label_studio_sdk.converter import Converter
from label_studio_sdk.converter.utils import create_tokens_and_tags
given = json.load(sys.stdin)
files = {}
with tempfile.TemporaryDirectory() as root:
    for name, (config, tasks) in given["cases"].items():
        source = os.path.join(root, name + ".json")
        with open(source, "w", encoding="utf-8") as handle:
            json.dump(tasks, handle)
        out = os.path.join(root, name)
        os.mkdir(out)
        try:
            Converter(config=parse_config(config), project_dir=None).convert(source, out, "CONLL2003", is_dir=False)
        except Exception as exc:
            files[name] = "!" + type(exc).__name__
            continue
        (file_name,) = os.listdir(out)
        assert file_name == "result.conll", file_name
        with open(os.path.join(out, file_name), encoding="utf-8", newline="") as handle:
            files[name] = handle.read()
tokens = [create_tokens_and_tags(text, []) for text in given["texts"]]
json.dump({"files": files, "tokens": tokens}, sys.stdout)
"""


@pytest.fixture(scope="module")
def published() -> Dict[str, Any]:
    require_server_install()
    python = server_python()
    assert python is not None
    given = {
        "cases": {name: list(case) for name, case in {**SAME, **DIFFERENT}.items()},
        "texts": TOKEN_TEXTS,
    }
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    answer: Dict[str, Any] = json.loads(completed.stdout)
    return answer


def ours(tmp_path: Path, case: Tuple[str, List[Task]], choose: Choose = "newest") -> str:
    config, tasks = case
    tmp_path.mkdir(exist_ok=True)
    source = tmp_path / "export.json"
    source.write_text(json.dumps(tasks), encoding="utf-8")
    path = write_conll2003(iter_tasks(source), parse_config(config), tmp_path / "out", choose=choose)
    assert path.name == "result.conll"
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def block(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines) + "\n"


def rows(pairs: str) -> str:
    """``"John:B-PER met:O"`` as the lines of one block."""
    return block(*(f"{token} -X- _ {tag}" for token, tag in (pair.rsplit(":", 1) for pair in pairs.split())))


@pytest.mark.parametrize("name", sorted(SAME))
def test_matches_the_published(name: str, published: Dict[str, Any], tmp_path: Path) -> None:
    assert ours(tmp_path, SAME[name]) == published["files"][name]


def test_the_same_cases_reach_the_interesting_tags(published: Dict[str, Any]) -> None:
    files = published["files"]
    assert files["empty"] == HEADER
    # Tasks 1, 2 and 5 (an empty text: an empty block); 3 (no annotations key) and 4 (cancelled) give nothing.
    assert (
        files["many-tasks"]
        == HEADER + rows("John:B-PER met:O Mary:O") + rows("No:O labels:O here:O .:O") + "\n"
    )
    assert "Mary -X- _ B-ORG" in files["overlap"] and "met -X- _ I-PER" in files["overlap"]
    assert "met -X- _ B-PER" in files["adjacent-same-label"]
    assert "York -X- _ I-LOC" in files["multi-label-span"]
    assert files["edge-whitespace"] == HEADER + rows("x:O John:B-PER met:O")


def test_simple_tokens_match_the_published(published: Dict[str, Any]) -> None:
    for text, (tokens, tags) in zip(SANE_TOKEN_TEXTS, published["tokens"]):
        assert create_tokens_and_tags(text, []) == (tokens, tags), text


def test_difference_inner_punctuation_is_its_own_token(published: Dict[str, Any]) -> None:
    theirs = published["tokens"][len(SANE_TOKEN_TEXTS) :]
    for (text, (expected, published_tokens)), (their_tokens, _) in zip(INNER_PUNCTUATION.items(), theirs):
        assert create_tokens_and_tags(text, [])[0] == expected
        assert their_tokens == published_tokens, text


def test_difference_spans_inside_words_keep_their_tags(published: Dict[str, Any], tmp_path: Path) -> None:
    # The published tags the whole word; we cut it at the span edges (label-studio-converter#15, #254).
    expected = rows("un:O beli:B-PER evable:O John:B-PER met:B-ORG")
    assert ours(tmp_path, DIFFERENT["inside-word"]) == HEADER + expected
    assert published["files"]["inside-word"] == HEADER + rows("unbelievable:B-PER Johnmet:B-PER")


def test_difference_cjk_is_one_token_per_character(published: Dict[str, Any], tmp_path: Path) -> None:
    # The published writes the whole unspaced sentence as one token, losing the second span (label-studio#1250).
    assert ours(tmp_path, DIFFERENT["cjk"]) == HEADER + rows(
        "我:O 爱:O 北:B-LOC 京:I-LOC 天:B-LOC 安:I-LOC 门:I-LOC"
    )
    assert published["files"]["cjk"] == HEADER + rows("我爱北京天安门:B-LOC")


def test_difference_punctuation_inside_words_is_split(published: Dict[str, Any], tmp_path: Path) -> None:
    # Treebank keeps "'s", "n't" and "Dr."; our tokenizer splits every punctuation character off.
    expected = rows("Acme:B-ORG ':O s:O CEO:O isn:O ':O t:O Dr:O .:O Smith:B-PER .:O")
    assert ours(tmp_path, DIFFERENT["contraction"]) == HEADER + expected
    assert published["files"]["contraction"] == HEADER + rows(
        "Acme:B-ORG 's:O CEO:O is:O n't:O Dr.:O Smith:B-PER .:O"
    )


def test_difference_every_labels_control_is_used(published: Dict[str, Any], tmp_path: Path) -> None:
    # The published only reads the control whose result comes first (label-studio#2845: lost tags).
    assert ours(tmp_path, DIFFERENT["two-controls"]) == HEADER + rows("John:B-PER met:O Mary:B-ORG")
    assert published["files"]["two-controls"] == HEADER + rows("John:O met:O Mary:B-ORG")


def test_difference_only_the_newest_annotation_by_default(published: Dict[str, Any], tmp_path: Path) -> None:
    newest, oldest = rows("John:O met:O Mary:B-ORG"), rows("John:B-PER met:O Mary:O")
    assert published["files"]["two-annotations"] == HEADER + newest + oldest
    assert ours(tmp_path, DIFFERENT["two-annotations"]) == HEADER + newest
    assert ours(tmp_path / "all", DIFFERENT["two-annotations"], "all") == HEADER + newest + oldest
    assert ours(tmp_path / "oldest", DIFFERENT["two-annotations"], "oldest") == HEADER + oldest


def test_difference_a_task_without_text_is_left_out(
    published: Dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert published["files"]["missing-text"] == "!KeyError"
    with caplog.at_level(logging.WARNING):
        assert ours(tmp_path, DIFFERENT["missing-text"]) == HEADER + rows("John:B-PER met:O Mary:O")
    assert "task 1 has no text under 'text'" in caplog.text


def spans(*specs: SpanSpec) -> List[Dict[str, Any]]:
    return [{"start": start, "end": end, "labels": names} for start, end, names in specs]


def test_tokenize_offsets_and_cuts() -> None:
    text = "Hi, 東京 café_1!"
    assert [text[a:b] for a, b in token_offsets(text)] == ["Hi", ",", "東", "京", "café_1", "!"]
    assert token_offsets("abcdef", [3, 0, 6, 3, 5]) == [(0, 3), (3, 5), (5, 6)]
    assert token_offsets("  ", [1]) == []


def test_combining_marks_stay_in_their_word() -> None:
    hindi, decomposed = "हिन्दी", "cafe\u0301"
    assert create_tokens_and_tags(f"{hindi} भाषा। {decomposed}", []) == (
        [hindi, "भाषा", "।", decomposed],
        ["O", "O", "O", "O"],
    )
    assert (
        create_tokens_and_tags("ひらがなカタカナ", spans((4, 8, ["K"])))[1]
        == ["O"] * 4 + ["B-K"] + ["I-K"] * 3
    )


@pytest.mark.parametrize(
    "value",
    [
        {"start": 0, "end": 4},
        {"start": 0, "end": 4, "labels": []},
        {"start": "0", "end": 4, "labels": ["PER"]},
        {"start": True, "end": 4, "labels": ["PER"]},
        {"start": 4, "end": 4, "labels": ["PER"]},
        {"start": 8, "end": 2, "labels": ["PER"]},
        {"start": 40, "end": 50, "labels": ["PER"]},
    ],
)
def test_unusable_spans_tag_nothing(value: Dict[str, Any]) -> None:
    assert create_tokens_and_tags(JOHN, [value]) == (["John", "met", "Mary"], ["O", "O", "O"])


def test_spans_past_the_text_are_clipped() -> None:
    assert create_tokens_and_tags(JOHN, spans((-3, 2, ["A"]), (12, 99, ["B"])))[1] == [
        "B-A",
        "O",
        "O",
        "O",
        "B-B",
    ]
    assert create_tokens_and_tags(JOHN, None) == (["John", "met", "Mary"], ["O", "O", "O"])


def test_overlap_rules_without_the_published() -> None:
    text = "a b c d e"
    # b..d starts first and wins b, c, d; c..e takes over only after it ends.
    assert create_tokens_and_tags(text, spans((4, 9, ["Y"]), (2, 7, ["X"])))[1] == [
        "O",
        "B-X",
        "I-X",
        "I-X",
        "B-Y",
    ]
    # Same start: the one listed first wins while it lasts.
    assert create_tokens_and_tags(text, spans((0, 3, ["X"]), (0, 9, ["Y"])))[1] == [
        "B-X",
        "I-X",
        "B-Y",
        "I-Y",
        "I-Y",
    ]


def test_repeater_controls_and_url_text(tmp_path: Path) -> None:
    config = {
        "url": {
            "type": "Labels",
            "to_name": ["u"],
            "inputs": [{"type": "Text", "value": "link", "valueType": "url"}],
        },
        "ner_{{idx}}": {"type": "Labels", "to_name": ["t"], "inputs": [{"type": "Text", "value": "body"}]},
    }
    assert labels_controls(config) == ("body", {"ner_{{idx}}": config["ner_{{idx}}"]})
    source = {
        "id": 1,
        "data": {"body": JOHN},
        "annotations": [annotation(1, [labels(JOHN, 0, 4, ["PER"], "ner_0")])],
    }
    path = write_conll2003([source], config, tmp_path)
    assert path.read_text(encoding="utf-8") == HEADER + rows("John:B-PER met:O Mary:O")


def test_config_without_labels_on_text_is_refused(tmp_path: Path) -> None:
    config = parse_config('<View><Image name="i" value="$i"/><RectangleLabels name="r" toName="i"/></View>')
    with pytest.raises(FormatNotSupportedError, match="Labels control on a Text"):
        write_conll2003([], config, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_output_must_be_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ExportOutputError, match="not a directory"):
        write_conll2003([], parse_config(CONFIG), target)


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> Iterator[Task]:
        yield task(JOHN, [(0, 4, ["PER"])])
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        write_conll2003(broken(), parse_config(CONFIG), tmp_path)
    assert list(tmp_path.iterdir()) == []


TASK_COUNT = 20_000
WORDS = "Alice met Bob in Paris."


def many_tasks() -> Iterator[Task]:
    for ident in range(TASK_COUNT):
        yield task(f"{ident} {WORDS}", [(0, 1, ["ORG"]), (10, 15, ["PER"]), (19, 24, ["LOC"])], ident)


def test_memory_stays_flat_for_many_tasks(tmp_path: Path) -> None:
    config = parse_config(CONFIG)
    tracemalloc.start()
    path: Optional[Path] = None
    try:
        path = write_conll2003(many_tasks(), config, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = path.stat().st_size
    assert size > 2_000_000
    assert peak < 400_000, (
        peak,
        size,
    )  # holding the tasks or the lines would take far more than the file size
    with open(path, encoding="utf-8") as handle:
        assert handle.readline() == HEADER
        first = "".join(handle.readline() for _ in range(9))
    assert first == rows("0:B-ORG Alice:O me:O t:B-PER Bob:I-PER in:O Paris:B-LOC .:O")
