"""``parse_config`` gives exactly what the published label-studio-sdk gives: same dict, same key order.

The server stores the dict (``Project.parsed_label_config``) and serves it from its REST API, so the JSON
text must not change. The published package, installed in the Label Studio server's virtualenv, is run
once as a black box in a subprocess over every template the server ships and the tricky configs below.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

from label_studio_sdk._extensions.label_studio_tools.core.label_config import (
    is_video_object_tracking,
    parse_config,
)
from tests.ls_server_files import require_server_install, server_python, template_configs

# The published side: reads a JSON list of configs on stdin, writes one outcome per config.
PUBLISHED_SCRIPT = """
import json, sys
from label_studio_sdk._extensions.label_studio_tools.core.label_config import parse_config, is_video_object_tracking
outcomes = []
for config in json.load(sys.stdin):
    try:
        parsed = parse_config(config)
    except Exception as exc:
        outcomes.append({"error": type(exc).__name__})
        continue
    outcomes.append({"json": json.dumps(parsed), "video": repr(is_video_object_tracking(parsed))})
json.dump(outcomes, sys.stdout)
"""

TEXT = '<Text name="t" value="$t"/>'

TRICKY: Dict[str, Optional[str]] = {
    "empty string": "",
    "none": None,
    "blank": "   \n ",
    "empty view": "<View/>",
    "leading blank lines": "\n\n  <View>" + TEXT + '<Choices name="c" toName="t"/></View>',
    "declaration": '<?xml version="1.0"?>\n<View>' + TEXT + '<Choices name="c" toName="t"/></View>',
    "repeater": (
        '<View><Repeater on="$images" indexFlag="{{idx}}">'
        '<Image name="image_{{idx}}" value="$images[{{idx}}].url"/>'
        '<RectangleLabels name="label_{{idx}}" toName="image_{{idx}}"><Label value="Car"/></RectangleLabels>'
        '<Choices name="ch_{{idx}}" toName="image_{{idx}}" perRegion="true" whenLabelValue="Car" value="$opts">'
        '<Choice value="a"/></Choices></Repeater></View>'
    ),
    "repeater after its control": (
        '<View><Image name="im_{{idx}}" value="$ims"/><Choices name="c" toName="im_{{idx}}"/>'
        '<Repeater on="$ims" indexFlag="{{idx}}"/></View>'
    ),
    "nested repeaters and a flag on the control itself": (
        '<View><Repeater on="$a" indexFlag="{{i}}"><Repeater on="$b" indexFlag="{{j}}">'
        '<Image name="im_{{i}}_{{j}}" value="$a"/><Choices name="c" toName="im_{{j}}_{{i}},im"/>'
        '<Choices name="d" toName="im_{{j}}"/><Choices name="e_{{i}}" toName="im"/>'
        '<Choices name="f" toName="x{{q}}" indexFlag="{{q}}"/></Repeater></Repeater>'
        '<Image name="im" value="$x"/></View>'
    ),
    "odd index flags": (
        '<View><Repeater indexFlag=","/><Repeater indexFlag="{{k}}"/><Repeater indexFlag="{{k}}"/>'
        '<Image name="a" value="$a"/><Choices name="c" toName="a,b"/><Choices name="d" toName="{{k}}{{k}}"/></View>'
    ),
    "empty index flag": '<View><View indexFlag=""/><Image name="a" value="$a"/><Choices name="c" toName="a"/></View>',
    "conditionals": (
        "<View>" + TEXT + '<Choices name="a" toName="t" perRegion="true" whenTagName="x" whenLabelValue="y"/>'
        '<Choices name="b" toName="t" perRegion="true" whenLabelValue="y" whenChoiceValue="z"/>'
        '<Choices name="c" toName="t" perRegion="true" whenChoiceValue="z"/>'
        '<Choices name="d" toName="t" perRegion="True" whenTagName="x"/>'
        '<Choices name="e" toName="t" whenTagName="x"/><Choices name="f" toName="t" perRegion="true"/>'
        '<Choices name="g" toName="t" perRegion="true" whenTagName="" whenLabelValue="y"/>'
        '<Choices name="h" toName="t" perRegion="true" whenTagName="x" value="$dyn"/></View>'
    ),
    "aliases": (
        "<View>" + TEXT + '<Choices name="c" toName="t"><Choice value="Positive" alias="pos" hint="h"/>'
        '<Choice value="Negative" alias=""/><Choice value="pos" background="red"/><Choice/>'
        '<Choice value="" valueList="$more"/></Choices></View>'
    ),
    "value lists and value types": (
        '<View><Image name="a" valueList="$images" valueType="url"/><Image name="b" value="" valueList="$ims"/>'
        '<Image name="c" valueList=""/><Text name="d" value="$d" valueList="$e" valueType=""/>'
        '<Text name="e" value="$$t"/><Text name="f" value="plain"/><Text name="g" value="$a$b"/>'
        '<Text name="h" value="pre $x"/><Choices name="ch" toName="a,b,c,d,e,f,g,h"/></View>'
    ),
    "nested views": (
        "<View>"
        + TEXT
        + '<Labels name="l" toName="t"><View name="inner"><View><Label value="A"/></View></View>'
        '<Choices name="c2" toName="t"><View><Choice value="B"/></View></Choices><Label value="C"/></Labels>'
        '<Label value="orphan"/><Text name="u" value="$u"><Label value="in an object"/></Text></View>'
    ),
    "dynamic labels": (
        "<View>"
        + TEXT
        + '<Labels name="a" toName="t" value="$opts"/><Labels name="b" toName="t" value="$opts1"/>'
        '<Labels name="c" toName="t" value="$A_b"/><Labels name="d" toName="t" value="$"/>'
        '<Labels name="e" toName="t" value="opts"/><Labels name="f" toName="t" value="$opts&#10;"/>'
        '<Labels name="g" toName="t" apiUrl="http://x/labels"/><Labels name="h" toName="t" apiUrl=""/>'
        '<Labels name="i" toName="t" value="$\u00fc"/></View>'
    ),
    "to names pointing nowhere": (
        '<View><Text name="a" value="$a"/><Text name="b" value="$b"/>'
        '<Choices name="c" toName="a, b,ghost,"/><Labels name="d" toName="c"/><Choices name="e" toName=""/>'
        '<Choices toName="a"><Choice value="x"/></Choices></View>'
    ),
    "object after its control": '<View><Choices name="c" toName="t"/>' + TEXT + "</View>",
    "relations": (
        "<View>" + TEXT + '<Labels name="l" toName="t"><Label value="PER"/></Labels>'
        '<Relations><Relation value="unowned"/></Relations>'
        '<Relations name="rel" toName="t"><Relation value="r" background="x"/><Relation value="r"/></Relations>'
        "</View>"
    ),
    "taxonomy nesting": (
        "<View>" + TEXT + '<Taxonomy name="tx" toName="t"><Choice value="A"><Choice value="A1">'
        '<Choice value="A1a"/><Choice value="A1b" alias="b"/></Choice></Choice><Choice value="B"/>'
        '<Choice value="A"/></Taxonomy></View>'
    ),
    "filter tags": (
        "<View>"
        + TEXT
        + '<Filter name="f" toName="tx" minlength="0"/><Filter name="g" toName="t" value="$v"/>'
        '<Taxonomy name="tx" toName="t,g"><Filter name="h" toName="tx"/><Choice value="A"/></Taxonomy>'
        '<Filter name="i" toName="t"><Label value="under a filter"/></Filter></View>'
    ),
    "comments and processing instructions": (
        '<!-- {"data": {"t": "hello"}} --><View><!-- c -->' + TEXT + '<Choices name="c" toName="t">'
        '<!-- inside --><Choice value="a"/><?pi something?></Choices></View><!-- after -->'
    ),
    "duplicate control names": (
        '<View><Text name="t" value="$t"/><Text name="u" value="$u"/>'
        '<Choices name="c" toName="t" perRegion="true" whenTagName="x"><Choice value="a"/></Choices>'
        '<Labels name="z" toName="t"/><Labels name="c" toName="u" apiUrl="http://y"><Label value="b"/></Labels></View>'
    ),
    "duplicate object names": (
        "<View>" + TEXT + '<Choices name="c" toName="t"/><Text name="t" value="$t2" valueType="url"/></View>'
    ),
    "a named view before its control": (
        "<View>" + TEXT + '<View name="c"><Choice value="z"/></View><Choices name="c" toName="t"/>'
        '<View name="c"><Choice value="y"/></View></View>'
    ),
    "root is a control": '<Choices name="c" toName="c" value="$c"><Choice value="q"/></Choices>',
    "a label that is also a control": (
        "<View>" + TEXT + '<Labels name="l" toName="t"><Label name="x" toName="t" value="A"/></Labels></View>'
    ),
    "tag names are case sensitive": (
        "<View>" + TEXT + '<Labels name="l" toName="t"><label value="A"/><LABEL value="B"/></Labels>'
        '<videorectangle name="v" toName="t"/></View>'
    ),
    "entities and character references": (
        '<View><Text name="t" value="$t&amp;x"/><Choices name="c" toName="t">'
        '<Choice value="&lt;a&gt; &#233; &#x263A; &quot;q&quot; &apos;"/></Choices></View>'
    ),
    "whitespace in attribute values": (
        "<View>"
        + TEXT
        + '<Choices name="c" toName="t"><Choice value="a\nb\tc"/><Choice value=" d "/></Choices></View>'
    ),
    "non-ascii names": '<View><Text name="текст" value="$текст"/><Choices name="выбор" toName="текст"><Choice value="да"/></Choices></View>',
    "video tracking": (
        '<View><Video name="v" value="$video" framerate="25"/><VideoRectangle name="box" toName="v"/>'
        '<Labels name="l" toName="v"><Label value="Car"/></Labels></View>'
    ),
    "lowercase video rectangle": '<View><Video name="v" value="$v"/><videorectangle name="b" toName="v"/></View>',
    "mismatched tag": "<View><Text name='t' value='$t'></View>",
    "unclosed root": "<View>",
    "plain text": "hello",
    "trailing content": "<View>" + TEXT + "</View>trailing",
    "two roots": "<View>" + TEXT + "</View><View/>",
}

# Where we differ on purpose: the published package accepts these, we refuse them (or the reverse).
DELIBERATE: Dict[str, str] = {
    # lxml expands internal entities; our parser refuses any DTD (billion-laughs and XXE safety).
    "internal entity": '<!DOCTYPE v [<!ENTITY a "AAA">]><View>'
    + TEXT
    + '<Choices name="c" toName="t"><Choice value="&a;"/></Choices></View>',
    # lxml refuses an encoding declaration in a str with a plain ValueError (HTTP 500 in the server); we parse it.
    "encoding declaration": '<?xml version="1.0" encoding="utf-8"?><View>'
    + TEXT
    + '<Choices name="c" toName="t"/></View>',
    # lxml refuses blank lines before the XML declaration; our parser skips leading whitespace first.
    "blank lines before the declaration": '\n  <?xml version="1.0"?><View>'
    + TEXT
    + '<Choices name="c" toName="t"/></View>',
}


def _ours(config: Optional[str]) -> Dict[str, str]:
    try:
        parsed = parse_config(config)
    except Exception as exc:
        return {"error": type(exc).__name__}
    return {"json": json.dumps(parsed), "video": repr(is_video_object_tracking(parsed))}


Case = Tuple[str, Optional[str]]


@pytest.fixture(scope="module")
def cases() -> List[Case]:
    require_server_install()
    templates = [(f"template {name}", config) for name, config in template_configs()]
    assert len(templates) > 50, "the server ships about 70 templates; its install looks incomplete"
    return (
        templates + [(f"tricky {name}", config) for name, config in TRICKY.items()] + list(DELIBERATE.items())
    )


@pytest.fixture(scope="module")
def published(cases: List[Case], tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Dict[str, Any]]:
    """The published package's outcome for every case, from one subprocess (``-I``: nothing of ours on its path)."""
    python = server_python()
    assert python is not None
    completed = subprocess.run(
        [str(python), "-I", "-c", PUBLISHED_SCRIPT],
        input=json.dumps([config for _, config in cases]),
        capture_output=True,
        text=True,
        cwd=Path(tmp_path_factory.mktemp("published")),
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    outcomes: List[Dict[str, Any]] = json.loads(completed.stdout)
    return {name: outcome for (name, _), outcome in zip(cases, outcomes)}


def test_every_server_template_parses_as_published(
    cases: List[Case], published: Dict[str, Dict[str, Any]]
) -> None:
    templates = [(name, config) for name, config in cases if name.startswith("template ")]
    differing = [name for name, config in templates if _ours(config) != published[name]]
    assert differing == []
    # The corpus exercises the parts of the shape that matter: labels and more than one control.
    assert all("json" in published[name] for name, _ in templates)
    assert sum(len(json.loads(published[name]["json"])) > 1 for name, _ in templates) > 10


@pytest.mark.parametrize("name", list(TRICKY))
def test_tricky_config_parses_as_published(name: str, published: Dict[str, Dict[str, Any]]) -> None:
    assert _ours(TRICKY[name]) == published[f"tricky {name}"]


def test_published_expands_internal_entities_where_we_refuse_dtds(
    published: Dict[str, Dict[str, Any]],
) -> None:
    assert json.loads(published["internal entity"]["json"])["c"]["labels"] == ["AAA"]
    assert _ours(DELIBERATE["internal entity"]) == {"error": "LabelStudioXMLSyntaxErrorSentryIgnored"}


def test_we_parse_an_encoding_declaration_where_published_raises(
    published: Dict[str, Dict[str, Any]],
) -> None:
    assert published["encoding declaration"] == {"error": "ValueError"}
    ours = _ours(DELIBERATE["encoding declaration"])
    assert json.loads(ours["json"])["c"]["inputs"] == [{"type": "Text", "valueType": None, "value": "t"}]


def test_we_skip_blank_lines_before_the_declaration_where_published_raises(
    published: Dict[str, Dict[str, Any]],
) -> None:
    assert published["blank lines before the declaration"] == {
        "error": "LabelStudioXMLSyntaxErrorSentryIgnored"
    }
    assert list(json.loads(_ours(DELIBERATE["blank lines before the declaration"])["json"])) == ["c"]
