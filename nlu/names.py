"""Department names as people and documents write them, made comparable.

Reading a question (学会部的任务) and reading a document both need one spelling per department
and a test for what reads like one; they live here, below both, and ledger.names builds the
splitting of document cells on them.
"""

from __future__ import annotations

import re
import unicodedata

# What a department's name ends with (牵头部室, 县科协, 科技馆, 机关党委, …).
_DEPARTMENT_ENDINGS = (
    "部",
    "室",
    "委",
    "馆",
    "协",
    "中心",
    "局",
    "办",
    "会",
    "站",
    "所",
    "院",
    "校",
    "处",
    "科",
    "组",
    "队",
    "团",
    "厅",
    "司",
    "政府",
    "单位",
    "部门",
    "部室",
    "企业",
    "学会",
    "街道",
    "镇",
    "乡",
    "股",  # a county bureau's 股室: 科技股
    "联",  # 残联, 妇联, 工商联
    "公司",
    "集团",
    "银行",
    "社",
    "法院",
    "检察院",
)
# What separates the names in a list (学会部、普及部).
LIST_SEPARATORS = "、，,；;/／"


def canonical(text: str) -> str:
    """Full-width letters/digits to ASCII, brackets to Chinese full-width, no whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return text.replace("(", "（").replace(")", "）")


def normalise_department(name: str) -> str:
    """One spelling per department: ``普及部 (中心)`` -> ``普及部（中心）``."""
    return canonical(name).strip(LIST_SEPARATORS + "。.")


def _bare(name: str) -> str:
    """The name without its trailing bracketed part: 普及部（中心） -> 普及部."""
    return re.sub(r"（[^（）]*）$", "", name)


def looks_like_department(text: str) -> bool:
    """True when ``text`` ends the way a department, office or county association does."""
    name = _bare(normalise_department(text))
    return len(name) >= 2 and name.endswith(_DEPARTMENT_ENDINGS)
