"""Which task a few words mean: 大篷车 -> the task about 科普大篷车巡展, 讲堂 -> 科协讲堂 ….

Chinese has no spaces and people shorten names freely, so words are compared as overlapping
character pairs (大篷车 -> 大篷, 篷车), each weighted by how rare it is among the tasks the
sender may see (a pair every task has, like 科普, says little). A task's score is the share of
the phrase's weight it holds, 0 to 1. One task is taken when it clearly leads; otherwise the
best few are offered to choose from, and nothing is guessed.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

SURE = 0.6  # a task this well matched, clearly ahead of the next, is the one meant
LEAD = 0.2  # … clearly: this far ahead of the second
LIKELY = 0.34  # below this a task is not offered at all
OFFERED = 3  # candidates offered to choose from
BODY = 0.7  # a pair found only in a task's measures counts this much of one in its title

_RUNS = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]+")
# Pairs too common in the genre to tell tasks apart, whatever the ledger.
_COMMON = frozenset(
    {"工作", "开展", "加强", "推进", "组织", "活动", "建设", "进一步", "完成", "推动"}
)


def _pairs(text: str) -> set[str]:
    """The character pairs of the Chinese runs of ``text``, and its Latin words."""
    found: set[str] = set()
    for run in _RUNS.findall(text.lower()):
        if run.isascii() or len(run) == 1:
            found.add(run)
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found - _COMMON


@dataclass(frozen=True)
class TaskIndex:
    """The tasks one person may see, ready to be matched against words."""

    ids: tuple[int, ...]
    titles: tuple[frozenset[str], ...]  # the pairs of each task's title (key work, content)
    bodies: tuple[frozenset[str], ...]  # … and of its measures only
    weight: dict[str, float]  # pair -> its rarity among these tasks

    @classmethod
    def build(cls, texts: Sequence[tuple[int, str, str]]) -> TaskIndex:
        """From (id, title, body) of each task."""
        titles = tuple(frozenset(_pairs(title)) for _, title, _body in texts)
        bodies = tuple(
            frozenset(_pairs(body)) - title
            for (_, _t, body), title in zip(texts, titles, strict=True)
        )
        counts: Counter[str] = Counter()
        for title, body in zip(titles, bodies, strict=True):
            counts.update(title | body)
        total = len(texts)
        weight = {pair: math.log((total + 1) / (count + 0.5)) for pair, count in counts.items()}
        return cls(tuple(task_id for task_id, _, _ in texts), titles, bodies, weight)

    def rank(self, words: str) -> list[tuple[int, float]]:
        """Tasks by how well they match ``words``, best first, with scores above LIKELY."""
        wanted = _pairs(words)
        known = [pair for pair in wanted if pair in self.weight]
        if not known:
            return []
        # A pair no task has counts as an average one: words that name nothing here (大篷车
        # among tasks none of which is about it) must not leave a common pair (科普) to decide,
        # and the other words of a message (报名已经有) must not drown the name.
        unknown_weight = sum(self.weight.values()) / len(self.weight)
        # … but a long message (大篷车累计36场还差四场年底前肯定能跑完) is mostly such words:
        # they count at most as much as the known ones, so they can halve a match, no more.
        unknown = min(len(wanted) - len(known), len(known))
        total = sum(self.weight[pair] for pair in known) + unknown_weight * unknown
        scored = []
        for task_id, title, body in zip(self.ids, self.titles, self.bodies, strict=True):
            held = sum(
                self.weight[pair] * (1.0 if pair in title else BODY)
                for pair in known
                if pair in title or pair in body
            )
            if held:
                scored.append((task_id, held / total))
        scored.sort(key=lambda item: -item[1])
        return [(task_id, score) for task_id, score in scored if score >= LIKELY]


def pick(ranked: Sequence[tuple[int, float]]) -> tuple[int | None, list[int]]:
    """(the one task meant, or None; the candidates to offer when it is not clear)."""
    if not ranked:
        return None, []
    best, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if len(ranked) == 1 or (score >= SURE and score - second >= LEAD):
        return best, []
    return None, [task_id for task_id, _ in ranked[:OFFERED]]
