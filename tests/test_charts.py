"""The standing chart: a PNG a phone shows well, its Chinese drawn in a font that has it."""

from __future__ import annotations

import logging
import struct
import warnings
from collections import Counter
from collections.abc import Callable

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import findfont, get_font

from ledger import charts
from ledger.charts import MAX_BARS, font, shorten, standing_chart
from ledger.lights import Lights
from ledger.stats import Tally
from models.tables import TaskStatus
from nlu.i18n import translator

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NAMES = [
    "学会部", "组宣部", "普及部（中心）", "办公室", "市科技馆", "机关党委", "黄石港区科协",
    "西塞山区科协", "下陆区科协", "铁山区科协", "大冶市科学技术协会办公室", "阳新县科协",
    "经济技术开发区科协", "市青少年科技活动中心",
]  # fmt: skip


def tally(name: str, done: int, in_progress: int, not_started: int, overdue: int = 0) -> Tally:
    statuses = Counter(
        {
            TaskStatus.done: done,
            TaskStatus.in_progress: in_progress,
            TaskStatus.open: not_started,
        }
    )
    total = done + in_progress + not_started
    return Tally(name, total=total, statuses=statuses, overdue=overdue)


def departments(count: int) -> list[Tally]:
    return [
        tally(name, 10 - i // 2, 3, 6 - i // 3, overdue=i % 3)
        for i, name in enumerate(NAMES[:count])
    ]


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's header (its first chunk is IHDR)."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def drawn(make: Callable[[], bytes], caplog: pytest.LogCaptureFixture) -> tuple[bytes, list[str]]:
    """What ``make`` returns, and every warning raised or logged while it ran."""
    with warnings.catch_warnings(record=True) as raised, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        png = make()
    said = [str(warning.message) for warning in raised]
    said += [record.getMessage() for record in caplog.records]
    return png, said


def test_the_chart_is_a_png_wide_enough_for_a_phone() -> None:
    png = standing_chart(
        departments(6), title="各部室完成情况", lights=Lights(), _=translator("zh_CN")
    )
    width, height = png_size(png)
    assert width >= 1000
    assert height > 600


def test_more_groups_make_a_taller_chart_up_to_the_most_bars() -> None:
    _ = translator("zh_CN")
    heights = [
        png_size(standing_chart(departments(n), title="t", lights=Lights(), _=_))[1]
        for n in (3, 8, MAX_BARS, MAX_BARS + 2)
    ]
    assert heights[0] < heights[1] < heights[2]
    # Past the most bars only a line saying how many more is added, not their bars.
    assert heights[2] < heights[3] < heights[2] + 80


def test_the_font_the_chart_is_drawn_in_has_the_chinese_it_needs() -> None:
    resolved = findfont(font(20))  # what matplotlib resolves the chart's type to
    face = get_font(resolved)
    assert face.family_name == "Noto Sans CJK SC"
    for char in "学部门完成进行中未开始逾期…%（）0123456789abc":
        assert face.get_char_index(ord(char)) != 0, char


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_drawing_misses_no_glyph(language: str, caplog: pytest.LogCaptureFixture) -> None:
    lights = Lights.parse("blue,yellow,red")
    png, said = drawn(
        lambda: standing_chart(
            departments(len(NAMES)),
            title="各位领导完成情况 · 2025-05-26",
            lights=lights,
            _=translator(language),
        ),
        caplog,
    )
    assert png_size(png)[0] >= 1000
    assert not [line for line in said if "Glyph" in line or "missing" in line], said


def test_a_missing_glyph_would_be_caught(caplog: pytest.LogCaptureFixture) -> None:
    """The check above can fail: Chinese in matplotlib's own default font is reported."""

    def drawn_default() -> bytes:
        figure = Figure()
        canvas = FigureCanvasAgg(figure)
        figure.text(0.1, 0.5, "学部门完成")
        canvas.draw()
        return b""

    _png, said = drawn(drawn_default, caplog)
    assert any("Glyph" in line and "missing" in line for line in said)


def test_nothing_to_show_still_makes_a_picture() -> None:
    png = standing_chart([], title="—", lights=Lights(), _=translator("en"))
    assert png_size(png)[0] >= 1000


def test_long_names_are_shortened_and_short_ones_kept() -> None:
    assert shorten("学会部") == "学会部"
    assert shorten("普及部（中心）") == "普及部（中心）"
    short = shorten("大冶市科学技术协会办公室")
    assert short.endswith("…") and short.startswith("大冶市科学")
    assert len(short) <= 8
    assert shorten("Department of Popular Science Education", 14) == "Department of…"


def test_the_font_is_the_packages_own_file() -> None:
    from noto_cjk_sans_otc import FONT_PATH

    assert charts.font_file().path == str(FONT_PATH)
