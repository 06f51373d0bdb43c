"""Values sent to the REST API: ``PredictionValue``, ``AnnotationValue`` and ``TaskValue``.

Their ``result`` may mix plain dicts and ``Region`` objects; dumping turns each region into its dict
and puts its relations after the regions as items of their own (the published package nested them in
a list, which the server rejects).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from label_studio_sdk.label_interface.region import Region, flatten_result

ResultItem = Union[Dict[str, Any], Region]


class _ResultHolder(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, extra="allow")

    result: Optional[List[ResultItem]]
    """The regions and relations, as dicts or ``Region`` objects."""

    @field_serializer("result")
    def _serialize_result(self, result: Optional[List[ResultItem]]) -> Optional[List[Dict[str, Any]]]:
        return flatten_result(result)  # type: ignore[no-any-return]


class PredictionValue(_ResultHolder):
    """A prediction: ``result`` plus the model version and score it came with."""

    model_version: Optional[Any] = None
    """Version of the model that made the prediction."""
    score: Optional[float] = 0.0
    """Overall confidence of the prediction, 0 to 1."""


class AnnotationValue(_ResultHolder):
    """An annotation as the API takes it.

    ``completed_by`` is optional (the server fills in the caller) and ``result_count`` is not sent unless
    given: the published class required the first and always sent the second, which the API rejects.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="allow")

    completed_by: Optional[int] = None
    """ID of the user the annotation is from; the server uses the caller when left out."""
    was_cancelled: bool = False
    """Whether the annotator skipped the task."""
    ground_truth: bool = False
    """Whether the annotation is marked as ground truth."""
    lead_time: float = 0.0
    """Seconds the annotator spent on it."""

    def model_dump(self, **kwargs: Any) -> Dict[str, Any]:
        kwargs.setdefault("exclude_none", False)
        data = super().model_dump(**kwargs)
        if data.get("completed_by") is None:
            data.pop("completed_by", None)
        return data


class TaskValue(BaseModel):
    """A task with its data and, optionally, annotations and predictions to import with it."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="allow")

    data: Dict[str, Any]
    """The task's data, keyed as the config's ``$variables``."""
    annotations: List[AnnotationValue] = Field(default_factory=list)
    """Annotations to import with the task."""
    predictions: List[PredictionValue] = Field(default_factory=list)
    """Predictions to import with the task."""
