"""Transformations applied to annotation results before they are exported."""
