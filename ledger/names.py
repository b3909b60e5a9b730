"""Names of departments and people as documents write them, made comparable.

PDF-flattened tables break names with spaces (``普及部 (中心)``), mix half- and full-width
brackets (``普及部(中心)`` and ``普及部（中心）`` are one department) and share a suffix across
a list (``市、县(市、区)科协``). These functions undo that without inventing names; one
spelling per department and what reads like one come from nlu.names, which questions use too.

Lists join names with 、，, and also with 和 / 及 / 与 (``区财政局和区税务局``). Many names hold a
和 themselves (市住房和城乡建设局, 人力资源和社会保障局), so a list splits on 和 / 及 / 与 only
where both sides read as whole unit names, and never inside a known compound.

A leader is written with titles after or before the name, sometimes several
(``张三区政府党组成员``, ``常务副区长王五``, ``李四同志``); the titles go, the name stays.
"""

from __future__ import annotations

import re

from nlu.names import LIST_SEPARATORS, canonical, looks_like_department, normalise_department

# Words titles are built of; a title is a run of them (常务副区长, 区政府党组成员, 区委常委).
_TITLE_WORDS = (
    "区长|市长|县长|镇长|乡长|主席|书记|局长|部长|主任|秘书长|处长|科长|厅长|院长|校长|理事长"
    "|会长|巡视员|调研员|组长|同志|常委|委员|成员|党组|党委|区委|市委|县委|区政府|市政府|县政府"
    "|常务|副|一级|二级|三级|四级"
)
_TITLE_RUN = re.compile(rf"(?:{_TITLE_WORDS})+")
_TITLE_AFTER = re.compile(rf"(?:{_TITLE_WORDS})+$")
_TITLE_BEFORE = re.compile(rf"^(?:{_TITLE_WORDS})+")
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
# Units whose names end outside nlu.names' department endings: 区残联, 国网江城供电公司,
# 市水务集团, 市供销社, 市中级人民法院.
# 和 inside well-known unit names: a list never splits there.
_COMPOUNDS = re.compile(
    r"住房和城乡|人力资源和社会|发展和改革|文化和旅游|卫生和计划|工业和信息|科学技术和|科技和"
    r"|自然资源和|农业农村和|商务和|城市管理和|政务服务和|教育和体育|广播电视和|新闻出版和"
)
# A lone area word before a shared suffix: 市、县（市、区）科协 is one entry, not 市 and a 科协.
_AREA = re.compile(r"^[省市县区镇乡村]$")


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """``text`` cut at ``separators`` that stand outside brackets, pieces stripped."""
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


# Places whose names start with 和 (和平区, 和田, 和县 …): 市生态环境局和平分局 is one unit.
_HE_PLACES = re.compile(r"和(?:平|田|县|龙|顺|静|硕|政|林格尔|布克赛尔)")


def _compound_at(name: str, index: int) -> bool:
    """Whether the 和 at ``index`` belongs to a known compound name (住房和城乡建设局) or
    starts a place's name (和平分局)."""
    if _HE_PLACES.match(name, index):
        return True
    return any(match.start() <= index < match.end() for match in _COMPOUNDS.finditer(name))


def _split_and(name: str) -> list[str]:
    """``区财政局和区税务局`` -> both; ``市住房和城乡建设局`` stays whole."""
    depth = 0
    for index, char in enumerate(name):
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        elif depth == 0 and char in "和及与" and not _compound_at(name, index):
            left, right = name[:index].strip(), name[index + 1 :].strip()
            if looks_like_department(left) and looks_like_department(right):
                return [left, *_split_and(right)]
    return [name]


def split_departments(cell: str) -> list[str]:
    """Departments in a cell, in order, normalised; the first one leads.

    Spaces are line-break artefacts unless both sides are whole department names; a list
    sharing one suffix (``市、县(市、区)科协``) stays one entry rather than inventing ``市``;
    和 / 及 / 与 join two names only where both read as whole unit names.
    """
    fragments: list[str] = []
    for chunk in split_outside_brackets(cell, LIST_SEPARATORS):
        words = split_outside_brackets(chunk, " \t\n\u3000")
        merged: list[str] = []
        for word in words:
            if merged and (not looks_like_department(merged[-1]) or word[0] in "（("):
                merged[-1] += word
            else:
                merged.append(word)
        fragments.extend(merged)
    departments: list[str] = []
    pending = ""
    for index, fragment in enumerate(fragments):
        name = pending + fragment
        if _AREA.match(fragment) and index < len(fragments) - 1:
            pending = name + "、"
            continue
        pending = ""
        for part in _split_and(name) if looks_like_department(name) else [name]:
            normal = normalise_department(part)
            if normal and normal not in departments:
                departments.append(normal)
    return departments


def strip_title(name: str) -> str:
    """``张三副区长`` / ``常务副区长张三`` -> ``张三``; a name alone is returned as it is."""
    text = canonical(name)
    for title in (_TITLE_AFTER, _TITLE_BEFORE):
        match = title.search(text)
        if match and len(text) - len(match.group(0)) >= 2:
            text = text[: match.start()] + text[match.end() :]
    return text


def is_title(text: str) -> bool:
    """A title with no name: 局长, 区委常委, 常务副区长."""
    return bool(_TITLE_RUN.fullmatch(canonical(text)))


def looks_like_person(token: str) -> bool:
    """A Chinese personal name (2–4 Han characters, with or without titles)."""
    name = strip_title(token)
    if is_title(token) or is_title(name):
        return False  # a title alone (局长, 分管副局长, 区委常委) names nobody
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
