"""Sample task values for object tags: written for this SDK, sized so every server template can show them.

Media samples are files the Label Studio server ships under ``/static/samples/``; paragraphs and time
series URLs use the server's own generators (``/samples/paragraphs.json``, ``/samples/time-series.csv``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

IMAGE_PATH = "/static/samples/sample.jpg"
IMAGE_LIST_PATHS = (
    "/static/samples/sample.jpg",
    "/static/samples/kittens.jpg",
    "/static/samples/trees_in_snow.jpg",
)
CHAIR_IMAGE_PATHS = tuple(f"/static/samples/chairs/chair{i}.png" for i in range(1, 5))
AUDIO_PATH = "/static/samples/game.wav"
VIDEO_PATH = "/static/samples/opossum_snow.mp4"
PDF_PATH = "/static/samples/sample.pdf"
HYPERTEXT_PATH = "/static/samples/hypertext.html"
PARAGRAPHS_ENDPOINT = "/samples/paragraphs.json"
TIME_SERIES_ENDPOINT = "/samples/time-series.csv"
"""Server views that build a sample from query parameters (relative: the editor fetches them from its own host)."""
TEXT_URL = "https://htx-pub.s3.amazonaws.com/example.txt"
"""A public plain-text file (the server ships no text sample)."""

TEXT = (
    "Ada Lovelace published the first algorithm meant for Charles Babbage's Analytical Engine "
    "in London in 1843, and she is often called the first computer programmer."
)
TEXT_BY_FIELD: Tuple[Tuple[str, str], ...] = (
    ("question", "Which city did Ada Lovelace publish her notes in?"),
    ("query", "largest black hole in the observable universe"),
    ("prompt", "Write a short, friendly reply to a customer asking how to reset their password."),
    ("summary", "Ada Lovelace wrote the first published computer program in 1843."),
    ("answer", "Open Settings, choose Security, then press Reset password and follow the email link."),
    ("response", "Sure: open Settings, choose Security and press Reset password."),
    ("resp", "Sure: open Settings, choose Security and press Reset password."),
    ("tweet", "Just tried the new coffee place downtown and it was amazing! #mondaymotivation"),
    ("english", "The weather is lovely today, shall we take a walk along the river?"),
    ("title", "Notes on the Analytical Engine"),
)
"""Text samples picked by a word in the task field's name (first match wins)."""

HTML = (
    "<article><h2>Analytical Engine</h2><p><b>Ada Lovelace</b> described how the engine, designed by "
    "<i>Charles Babbage</i>, could compute Bernoulli numbers.</p></article>"
)
MARKDOWN = "## Release notes\n\n- Faster imports\n- **New**: keyboard shortcuts for every label\n"

DIALOGUE: Tuple[Tuple[str, str], ...] = (
    ("Agent", "Thanks for calling, how can I help you today?"),
    ("Customer", "My order arrived yesterday, but the box was damaged."),
    ("Agent", "I'm sorry to hear that. Could you tell me the order number?"),
    ("Customer", "Sure, it's 48213."),
    ("Agent", "Thank you. I've sent a replacement, it should arrive on Friday."),
)
DIALOGUE_SECONDS_PER_LINE = 2.5

CHAT: Tuple[Tuple[str, str], ...] = (
    ("user", "Can you suggest a name for a bakery that sells only sourdough?"),
    ("assistant", 'How about "The Patient Loaf"? It hints at the long, slow fermentation.'),
    ("user", "Nice. Something shorter?"),
    ("assistant", '"Crumb & Crust" or simply "Levain".'),
    ("user", "Levain it is, thanks!"),
    ("assistant", "You're welcome, good luck with the opening!"),
)
CHAT_FIRST_TIMESTAMP_MS = 1_700_000_000_000
CHAT_SECONDS_BETWEEN_MESSAGES = 7

TABLE: Dict[str, Any] = {"Name": "Grace Hopper", "Role": "Rear admiral", "Born": 1906, "Known for": "COBOL"}

LIST_ITEMS: Tuple[Tuple[str, str, str], ...] = (
    ("answer_a", "Model A", "Restart the router, then wait a minute before reconnecting."),
    ("answer_b", "Model B", "Check whether other devices can connect; if not, call your provider."),
    ("answer_c", "Model C", "Buy a new router."),
    ("answer_d", "Model D", "Move the router away from the microwave and retry."),
)
"""``(id, title, body)`` of the items a ``<List>`` (ranked by ``<Ranker>``) shows."""

DYNAMIC_OPTIONS: Tuple[str, ...] = ("Option A", "Option B", "Option C")


def text_for_field(field: str) -> str:
    """A text sample that fits the task field's name (a question for ``$question``...), else the generic one."""
    lowered = field.lower()
    return next((text for word, text in TEXT_BY_FIELD if word in lowered), TEXT)


def dialogue(name_key: str, text_key: str, timed: bool) -> List[Dict[str, Any]]:
    """The paragraphs sample under the config's keys; ``timed`` adds ``start``/``end`` seconds for audio sync."""
    lines: List[Dict[str, Any]] = []
    for index, (speaker, text) in enumerate(DIALOGUE):
        line: Dict[str, Any] = {name_key: speaker, text_key: text}
        if timed:
            line["start"] = index * DIALOGUE_SECONDS_PER_LINE
            line["end"] = (index + 1) * DIALOGUE_SECONDS_PER_LINE
        lines.append(line)
    return lines


def chat_messages(count: int, roles: Tuple[str, ...] = ("user", "assistant")) -> List[Dict[str, Any]]:
    """``count`` chat messages (``role``, ``content``, ``createdAt`` in ms), roles taking turns."""
    messages: List[Dict[str, Any]] = []
    for index in range(count):
        _, content = CHAT[index % len(CHAT)]
        messages.append(
            {
                "role": roles[index % len(roles)],
                "content": content,
                "createdAt": CHAT_FIRST_TIMESTAMP_MS + index * CHAT_SECONDS_BETWEEN_MESSAGES * 1000,
            }
        )
    return messages


def list_items() -> List[Dict[str, str]]:
    return [{"id": item_id, "title": title, "body": body} for item_id, title, body in LIST_ITEMS]


def image_list_items(host: str) -> List[Dict[str, str]]:
    """List items that show images (for a ``<List>`` of generated pictures)."""
    return [
        {"id": f"image_{index}", "html": f"<img src='{host}{path}' alt='sample image {index}'/>"}
        for index, path in enumerate(CHAIR_IMAGE_PATHS, start=1)
    ]


def dynamic_options(nested: bool = False) -> List[Dict[str, Any]]:
    """Task data for a control with ``value="$field"`` (dynamic Choices or Labels): a list of ``{"value": ...}``.

    ``nested`` (``allowNested="true"``) gives the first option two children.
    """
    options: List[Dict[str, Any]] = [{"value": value} for value in DYNAMIC_OPTIONS]
    if nested:
        options[0]["children"] = [{"value": f"{DYNAMIC_OPTIONS[0]}.{i}"} for i in (1, 2)]
    return options
