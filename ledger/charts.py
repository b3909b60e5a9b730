"""Where the plan stands, as a picture a phone shows well: one bar per department or leader.

``standing_chart(tallies, title=…, lights=…, _=…)`` draws horizontal stacked bars (done, in
progress, not started), the overdue part of each bar hatched in the office's late colour and
its completion rate at the bar's end, and returns a PNG about 1080 pixels wide.

Chinese never renders as boxes: every piece of text is set in Noto Sans CJK SC, loaded by file
path from the ``noto-cjk-sans-otc`` package (the font ships with the code, so no machine's own
fonts matter). Drawing uses matplotlib's Figure and Agg canvas directly: no pyplot, no rcParams
changed, so it is safe to call from any thread, any number of times.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from ledger.lights import Level, Lights
from ledger.stats import Tally
from nlu.i18n import N_, Translate

if TYPE_CHECKING:
    from matplotlib.font_manager import FontPath, FontProperties

MAX_BARS = 12  # more groups than this: the first ones (most tasks), and a note of the rest
NAME_WIDTH = 14  # a bar's label, in display columns (a Chinese character takes two)
WIDTH_PX, DPI = 1080, 100
BAR = 0.66  # a bar's thickness, of the space between two
FACE = "Noto Sans CJK SC"  # the face of the collection drawn with (its simplified forms)

# The light colours (ledger.lights.COLOURS) strong enough for a bar; a cell's fill is too pale.
BAR_COLOURS = {
    "green": "#2e9d5b",
    "blue": "#2f6db5",
    "yellow": "#e0a800",
    "orange": "#e8731a",
    "red": "#d13b3b",
}
NOT_STARTED_COLOUR = "#d5d8dc"
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#666666"

DONE = N_("Done")
IN_PROGRESS = N_("In progress")
NOT_STARTED = N_("Not started")
OVERDUE = N_("Overdue")
TASKS = N_("tasks")
MORE = N_("…and {count} more")


@cache
def font_file() -> FontPath:
    """Noto Sans CJK SC inside the collection the font package ships: the file and its face."""
    from matplotlib.font_manager import FontPath
    from matplotlib.ft2font import FT2Font
    from noto_cjk_sans_otc import FONT_PATH

    path = str(FONT_PATH)
    faces = FT2Font(path).num_faces
    for index in range(faces):
        if FT2Font(path, face_index=index).family_name == FACE:
            return FontPath(path, index)
    raise RuntimeError(f"{FACE} is not in {path}")  # a broken install: say so, never draw boxes


def font(size: float) -> FontProperties:
    """The chart's type at ``size`` points, by file: never a font the machine happens to have."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=font_file(), size=size)


def shorten(name: str, width: int = NAME_WIDTH) -> str:
    """``name`` cut to ``width`` display columns, with … when it was longer."""

    def columns(char: str) -> int:
        return 2 if unicodedata.east_asian_width(char) in "WF" else 1

    if sum(columns(char) for char in name) <= width:
        return name
    kept, used = [], 1  # the … takes one
    for char in name:
        if used + columns(char) > width:
            break
        kept.append(char)
        used += columns(char)
    return "".join(kept) + "…"


def _tint(colour: str, share: float) -> str:
    """``colour`` mixed with white: ``share`` of the colour is kept."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 - (255 - value) * share) for value in rgb]
    return "#" + "".join(f"{value:02x}" for value in mixed)


def standing_chart(tallies: Sequence[Tally], *, title: str, lights: Lights, _: Translate) -> bytes:
    """The groups' standing as a PNG: one bar each, most tasks first, at most MAX_BARS."""
    # matplotlib loads with the first chart (half a second), not with the bot.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    shown = list(tallies[:MAX_BARS])
    rest = len(tallies) - len(shown)
    done_colour = BAR_COLOURS[lights.colour(Level.on_track)]
    late_colour = BAR_COLOURS[lights.colour(Level.late)]
    in_progress_colour = _tint(done_colour, 0.45)

    top, bottom = 1.75, 1.05 + (0.45 if rest else 0)  # inches: title and legend; axis and note
    height = top + 0.8 * max(len(shown), 1) + bottom
    figure = Figure(figsize=(WIDTH_PX / DPI, height), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.27, bottom / height, 0.69, 1 - (top + bottom) / height))

    rows = list(range(len(shown)))[::-1]  # the first group on top
    done = [t.done for t in shown]
    started = [t.open - t.not_started for t in shown]  # in progress and awaiting review
    lefts = [d + s for d, s in zip(done, started, strict=True)]
    axes.barh(rows, done, color=done_colour, height=BAR)
    axes.barh(rows, started, left=done, color=in_progress_colour, height=BAR)
    waiting = [t.not_started for t in shown]
    axes.barh(rows, waiting, left=lefts, color=NOT_STARTED_COLOUR, height=BAR)
    # Overdue tasks are open ones: the bar's open end, hatched in the late colour.
    late = [(row, t) for row, t in zip(rows, shown, strict=True) if t.overdue]
    axes.barh(
        [row for row, _t in late],
        [t.overdue for _row, t in late],
        left=[t.total - t.overdue for _row, t in late],
        color="none",
        edgecolor=late_colour,
        hatch="///",
        linewidth=2,
        height=BAR,
    )

    widest = max((t.total for t in shown), default=1) or 1
    for row, tally in zip(rows, shown, strict=True):
        axes.text(
            tally.total + widest * 0.015,
            row,
            f"{tally.rate:.0%} ({tally.done}/{tally.total})",
            va="center",
            ha="left",
            color=TEXT_COLOUR,
            fontproperties=font(20),
            parse_math=False,
        )
    axes.set_xlim(0, widest * 1.3)
    axes.set_ylim(-0.6, len(shown) - 0.4 if shown else 0.6)
    axes.set_yticks(
        rows,
        [shorten(t.name) for t in shown],
        fontproperties=font(22),
        color=TEXT_COLOUR,
        parse_math=False,
    )
    axes.tick_params(axis="y", length=0, pad=10)
    axes.tick_params(axis="x", colors=MUTED_COLOUR)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole tasks
    for label in axes.get_xticklabels():
        label.set_fontproperties(font(17))
    axes.set_xlabel(_(TASKS), fontproperties=font(17), color=MUTED_COLOUR)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color("#bbbbbb")
    axes.grid(axis="x", color="#eeeeee", linewidth=1)
    axes.set_axisbelow(True)

    figure.text(
        0.04,
        1 - 0.3 / height,
        title,
        ha="left",
        va="top",
        color=TEXT_COLOUR,
        fontproperties=font(28),
        parse_math=False,
    )
    # The legend is drawn from its own swatches: it reads the same when no bar has a part.
    swatches = [
        Patch(facecolor=done_colour, label=_(DONE)),
        Patch(facecolor=in_progress_colour, label=_(IN_PROGRESS)),
        Patch(facecolor=NOT_STARTED_COLOUR, label=_(NOT_STARTED)),
        Patch(facecolor="none", edgecolor=late_colour, hatch="///", linewidth=2, label=_(OVERDUE)),
    ]
    figure.legend(
        handles=swatches,
        loc="upper left",
        bbox_to_anchor=(0.03, 1 - 0.95 / height),
        ncols=4,
        frameon=False,
        prop=font(19),
        handlelength=1.4,
        columnspacing=1.2,
    )
    if rest:
        figure.text(
            0.04,
            0.25 / height,
            _(MORE).format(count=rest),
            ha="left",
            va="bottom",
            color=MUTED_COLOUR,
            fontproperties=font(19),
            parse_math=False,
        )
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white")
    return out.getvalue()
