"""Quantitative targets in task text: 不少于12次, 巡展40场, 4期, 五场 …

(Interface placeholder; being written.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    text: str  # the phrase as written, e.g. "科普大篷车巡展40场"
    metric: str  # what is counted, e.g. "科普大篷车巡展"
    value: float
    unit: str  # e.g. "场"

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "metric": self.metric, "value": self.value, "unit": self.unit}


def extract_targets(text: str) -> list[Target]:
    """Every quantitative target stated in ``text``, in order."""
    return []
