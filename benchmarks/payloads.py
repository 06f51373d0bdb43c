"""Realistic response bodies for the benchmarks, shaped like what Label Studio 1.x returns.

Sizes and shapes matter more than values: the benchmarks compare parsing costs, so the bodies carry
every field a real server sends (a project has ~50, a task with one annotation ~45 nested).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

PROJECT_ID = 1
TASKS_TOTAL = 5_000
PAGE_SIZE = 100

LABEL_CONFIG = """<View>
  <Header value="Read the review and choose its sentiment"/>
  <Text name="text" value="$text"/>
  <Image name="image" value="$image" maxWidth="600px"/>
  <Choices name="sentiment" toName="text" choice="single-radio" showInLine="true">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
    <Choice value="Neutral"/>
  </Choices>
</View>"""

# What the server derives from LABEL_CONFIG (GET /api/projects/<id>/ includes it).
PARSED_LABEL_CONFIG = {
    "sentiment": {
        "type": "Choices",
        "to_name": ["text"],
        "inputs": [{"type": "Text", "valueType": None, "value": "text"}],
        "labels": ["Positive", "Negative", "Neutral"],
        "labels_attrs": {
            "Positive": {"value": "Positive"},
            "Negative": {"value": "Negative"},
            "Neutral": {"value": "Neutral"},
        },
    }
}

_REVIEW = (
    "the delivery arrived two days late but the packaging was intact and the product works as "
    "described although the manual is confusing and support took a week to answer my question"
)
_REVIEW_WORDS = _REVIEW.split()


def project() -> Dict[str, Any]:
    """One project as GET /api/projects/1/ returns it."""
    return {
        "id": PROJECT_ID,
        "title": "Product review sentiment",
        "description": "Classify customer reviews collected in Q3 by sentiment.",
        "label_config": LABEL_CONFIG,
        "expert_instruction": "<p>Pick <b>Neutral</b> when the review mixes praise and complaints.</p>",
        "show_instruction": True,
        "show_skip_button": True,
        "enable_empty_annotation": False,
        "show_annotation_history": False,
        "organization": 1,
        "color": "#FFFFFF",
        "maximum_annotations": 1,
        "is_published": True,
        "model_version": "sentiment-bert-2024-09-01",
        "is_draft": False,
        "created_by": {
            "id": 1,
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "avatar": "/data/avatars/ada.png",
        },
        "created_at": "2024-09-02T08:15:42.123456Z",
        "min_annotations_to_start_training": 0,
        "start_training_on_annotation_update": False,
        "show_collab_predictions": True,
        "num_tasks_with_annotations": 3_412,
        "task_number": TASKS_TOTAL,
        "useful_annotation_number": 3_390,
        "ground_truth_number": 25,
        "skipped_annotations_number": 22,
        "total_annotations_number": 3_434,
        "total_predictions_number": 5_000,
        "sampling": "Sequential sampling",
        "show_ground_truth_first": False,
        "annotator_evaluation_enabled": False,
        "show_overlap_first": False,
        "overlap_cohort_percentage": 100,
        "task_data_login": None,
        "task_data_password": None,
        "control_weights": {
            "sentiment": {
                "type": "Choices",
                "labels": {"Positive": 1.0, "Negative": 1.0, "Neutral": 1.0},
                "overall": 1.0,
            }
        },
        "parsed_label_config": PARSED_LABEL_CONFIG,
        "evaluate_predictions_automatically": False,
        "config_has_control_tags": True,
        "skip_queue": "REQUEUE_FOR_OTHERS",
        "reveal_preannotations_interactively": False,
        "pinned_at": None,
        "finished_task_number": 3_412,
        "queue_total": 5_000,
        "queue_done": 3_412,
        "config_suitable_for_bulk_annotation": True,
        "state": "CREATED",
    }


def task(task_id: int) -> Dict[str, Any]:
    """One task with one completed annotation, as GET /api/tasks/ lists it."""
    offset = task_id % len(_REVIEW_WORDS)
    text = " ".join(_REVIEW_WORDS[offset:] + _REVIEW_WORDS[:offset]).capitalize() + "."
    annotation_id = 20_000 + task_id
    return {
        "id": task_id,
        "data": {
            "text": text,
            "image": f"https://storage.example.com/reviews/photos/{task_id:06d}.jpg",
            "review_id": f"R-{task_id:08d}",
        },
        "meta": {},
        "created_at": "2024-09-02T08:20:11.402311Z",
        "updated_at": "2024-09-18T14:03:57.918274Z",
        "is_labeled": True,
        "overlap": 1,
        "inner_id": task_id,
        "total_annotations": 1,
        "cancelled_annotations": 0,
        "total_predictions": 0,
        "comment_count": 0,
        "unresolved_comment_count": 0,
        "last_comment_updated_at": None,
        "project": PROJECT_ID,
        "updated_by": [{"user_id": 1}],
        "file_upload": "5f1c2a9e-reviews_q3.json",
        "comment_authors": [],
        "annotators": [1],
        "drafts": [],
        "annotations": [
            {
                "id": annotation_id,
                "result": [
                    {
                        "id": f"r{task_id:07d}x",
                        "type": "choices",
                        "value": {"choices": ["Positive"]},
                        "origin": "manual",
                        "to_name": "text",
                        "from_name": "sentiment",
                    }
                ],
                "created_username": "ada@example.com, 1",
                "created_ago": "2 weeks, 1 day",
                "completed_by": 1,
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2024-09-18T14:03:57.731104Z",
                "updated_at": "2024-09-18T14:03:57.731133Z",
                "draft_created_at": "2024-09-18T14:03:41.265502Z",
                "lead_time": 16.913,
                "import_id": None,
                "last_action": None,
                "task": task_id,
                "project": PROJECT_ID,
                "updated_by": 1,
                "parent_prediction": None,
                "parent_annotation": None,
                "last_created_by": None,
            }
        ],
        "predictions": [],
    }


def tasks_page(number: int) -> Dict[str, Any]:
    """Page ``number`` (1-based) of GET /api/tasks/?project=1&page_size=100."""
    first = (number - 1) * PAGE_SIZE + 1
    last = min(first + PAGE_SIZE, TASKS_TOTAL + 1)
    tasks: List[Dict[str, Any]] = [task(task_id) for task_id in range(first, last)]
    return {
        "tasks": tasks,
        "total": TASKS_TOTAL,
        "total_annotations": TASKS_TOTAL,
        "total_predictions": 0,
    }


def to_bytes(body: Any) -> bytes:
    # Compact separators, as Django REST framework renders JSON.
    return json.dumps(body, separators=(",", ":")).encode("utf-8")
