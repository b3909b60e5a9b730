"""Which task a few words mean: 大篷车 -> the task about 科普大篷车巡展, 讲堂 -> 科协讲堂 ….

Chinese has no spaces and people shorten names freely, so words are compared as overlapping
character pairs (大篷车 -> 大篷, 篷车), each weighted by how rare it is among the ledger's
tasks (a pair every task has, like 科普, says little). A task's score is the share of the
phrase's weight it holds, 0 to 1. One task is taken when it clearly leads; otherwise the best
few are offered to choose from, and nothing is guessed.

The counting is the database's (models.search holds every task's pairs in its full-text
index); this module only weighs and scores, on plain values.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
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


def pairs(text: str) -> set[str]:
    """The character pairs of the Chinese runs of ``text``, and its Latin words."""
    found: set[str] = set()
    for run in _RUNS.findall(unicodedata.normalize("NFKC", text).lower()):
        if run.isascii() or len(run) == 1:
            found.add(run)
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found - _COMMON


@dataclass(frozen=True)
class Ledger:
    """What the words are weighed against: how many tasks there are and the average pair's
    weight among them (what a pair no task has counts as)."""

    tasks: int
    mean_weight: float

    def weight(self, docs: int) -> float:
        """A pair held by ``docs`` tasks: the rarer, the more it tells."""
        return math.log((self.tasks + 1) / (docs + 0.5))


@dataclass(frozen=True)
class Query:
    """Words to match, weighed: each pair the ledger holds, and the total a task would need to
    hold them all (score 1)."""

    weights: dict[str, float]
    total: float

    @classmethod
    def of(cls, words: str, ledger: Ledger, docs: dict[str, int]) -> Query | None:
        """``docs``: how many tasks hold each pair of ``words`` (those none holds left out)."""
        wanted = pairs(words)
        weights = {pair: ledger.weight(count) for pair, count in docs.items() if pair in wanted}
        if not weights:
            return None
        # A pair no task has counts as an average one: words that name nothing here (大篷车
        # among tasks none of which is about it) must not leave a common pair (科普) to decide,
        # and the other words of a message (报名已经有) must not drown the name …
        # … but a long message (大篷车累计36场还差四场年底前肯定能跑完) is mostly such words:
        # they count at most as much as the known ones, so they can halve a match, no more.
        unknown = min(len(wanted) - len(weights), len(weights))
        return cls(weights, sum(weights.values()) + ledger.mean_weight * unknown)

    def needed(self) -> list[str]:
        """The pairs a likely task must hold at least one of: the rarest, until the others
        together could not lift a task to LIKELY. Only the tasks holding these are scored,
        so matching costs what the rare words find, not what the ledger holds."""
        ranked = sorted(self.weights, key=lambda pair: (-self.weights[pair], pair))
        rest = sum(self.weights.values())
        needed: list[str] = []
        for pair in ranked:
            if rest / self.total < LIKELY:
                break
            needed.append(pair)
            rest -= self.weights[pair]
        return needed

    def score(self, title: set[str], body: set[str]) -> float:
        """A task's share of the words' weight: a pair in its measures only counts BODY."""
        held = sum(
            weight * (1.0 if pair in title else BODY)
            for pair, weight in self.weights.items()
            if pair in title or pair in body
        )
        return held / self.total


def rank(query: Query, tasks: Iterable[tuple[int, set[str], set[str]]]) -> list[tuple[int, float]]:
    """(id, score) of the tasks that match at least LIKELY, best first; ``tasks`` are each
    task's id and the pairs of its title (key work, content) and of its body (measures)."""
    scored = [(task_id, query.score(title, body)) for task_id, title, body in tasks]
    scored = [(task_id, score) for task_id, score in scored if score >= LIKELY]
    scored.sort(key=lambda item: -item[1])
    return scored


def pick(ranked: Sequence[tuple[int, float]]) -> tuple[int | None, list[int]]:
    """(the one task meant, or None; the candidates to offer when it is not clear)."""
    if not ranked:
        return None, []
    best, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if len(ranked) == 1 or (score >= SURE and score - second >= LEAD):
        return best, []
    return None, [task_id for task_id, _ in ranked[:OFFERED]]
