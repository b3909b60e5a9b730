"""Names of departments and people as documents write them, made comparable.

PDF-flattened tables break names with spaces (``普及部 (中心)``), mix half- and full-width
brackets (``普及部(中心)`` and ``普及部（中心）`` are one department) and share a suffix across
a list (``市、县(市、区)科协``). These functions undo that without inventing names; one
spelling per department and what reads like one come from nlu.names, which questions use too.
"""

from __future__ import annotations

import re

from nlu.names import LIST_SEPARATORS, canonical, looks_like_department, normalise_department

# Titles written after a leader's name: 张三副区长, 李四同志.
_TITLES = re.compile(
    r"(常务)?(副)?(区长|市长|县长|镇长|主席|书记|局长|部长|主任|秘书长|处长|科长|"
    r"厅长|院长|校长|理事长|会长|巡视员|调研员|组长|同志)$"
)
_HAN = re.compile(r"^[\u4e00-\u9fff·]+$")
_NOT_PEOPLE = frozenset(
    [
        "各县",
        "机关",
        "全市",
        "市级",
        "各部",
        "部室",
        "办公室",
        "科协",
        "牵头",
        "配合",
        "负责",
        "责任",
        "主要领导",
        "分管领导",
        "领导",
        "全体党员",
        "党员",
        "干部",
        "分管",
        "相关",
        "各级",
    ]
)


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and char in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def split_departments(cell: str) -> list[str]:
    """Departments in a cell, in order, normalised; the first one leads.

    Spaces are line-break artefacts unless both sides are whole department names; a list
    sharing one suffix (``市、县(市、区)科协``) stays one entry rather than inventing ``市``.
    """
    fragments: list[str] = []
    for chunk in _split_outside_brackets(cell, LIST_SEPARATORS):
        words = _split_outside_brackets(chunk, " \t\n\u3000")
        merged: list[str] = []
        for word in words:
            if merged and (not looks_like_department(merged[-1]) or word[0] in "（("):
                merged[-1] += word
            else:
                merged.append(word)
        fragments.extend(merged)
    departments: list[str] = []
    pending = ""
    for fragment in fragments:
        name = pending + fragment
        if not looks_like_department(name) and fragment is not fragments[-1]:
            pending = name + "、"
            continue
        pending = ""
        normal = normalise_department(name)
        if normal and normal not in departments:
            departments.append(normal)
    return departments


def strip_title(name: str) -> str:
    """``张三副区长`` -> ``张三``; a name alone is returned as it is."""
    bare = _TITLES.sub("", canonical(name))
    return bare if len(bare) >= 2 else canonical(name)


def looks_like_person(token: str) -> bool:
    """A Chinese personal name (2–4 Han characters, optionally with a title)."""
    name = strip_title(token)
    if _TITLES.fullmatch(canonical(token)) or _TITLES.fullmatch(name):
        return False  # a title alone (局长, 分管副局长) names nobody
    return (
        2 <= len(name) <= 4
        and bool(_HAN.match(name))
        and not looks_like_department(name)
        and name not in _NOT_PEOPLE
    )


def split_people(cell: str) -> list[str]:
    """Leaders in a cell (``郑昌盛 陈汉平``, ``张三、李四副区长``), titles removed, in order."""
    people: list[str] = []
    for token in re.split(r"[\s、，,；;/／]+", cell.strip()):
        if token and looks_like_person(token):
            name = strip_title(token)
            if name not in people:
                people.append(name)
    return people
