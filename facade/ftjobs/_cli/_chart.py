"""The loss curve drawn with text: Unicode braille for the training loss, markers for validation.

A braille character is a 2 x 4 grid of dots, so a chart ``w`` characters wide and ``h`` rows high
has ``2w x 4h`` dots: the training loss is a line through them (consecutive points joined), the
validation losses are marked cell by cell (``•`` every few steps, ``◆`` for the full validation at
the end), so the series stay apart without colour. Colour (ANSI SGR) only when asked for: the CLI
asks on a terminal without ``NO_COLOR`` (``_format.use_colour``); otherwise the output is plain text.

Layout (``render`` returns the lines without a trailing newline)::

    loss, job ftjob-abc123 (steps 1-10)
    1.477 ┤⠑⢄
          │  ⠑⠢⡀
    0.867 ┤     ⠈⠢⢄•
          │         ⠉⠒⠤⣀
    0.257 ┤             ⠈⠉⠉•◆
          └──────────────────
           1       step     10
    ⠤⠤ train_loss 0.2718   • valid_loss 0.2567   ◆ full_valid_loss 0.2653   (step 10)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

#: Dot bits of a braille cell, by (column, row) in the cell: U+2800 + the sum of the dots' bits.
_DOT = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
_BRAILLE = 0x2800
#: What each series is drawn with, and its colour (SGR code).
TRAIN, VALID, FULL_VALID = "train_loss", "valid_loss", "full_valid_loss"
_MARK = {VALID: "•", FULL_VALID: "◆"}
_COLOUR = {TRAIN: "36", VALID: "33", FULL_VALID: "35"}
_LEGEND_MARK = {TRAIN: "⠤⠤", VALID: "•", FULL_VALID: "◆"}
#: Narrowest and widest charts (characters, the labels included) and the default plot height (rows).
MIN_WIDTH = 30
MAX_WIDTH = 160
DEFAULT_HEIGHT = 12
MIN_HEIGHT = 4

Points = Sequence[tuple[int, float]]


def _paint(text: str, name: str, colour: bool) -> str:
    return f"\x1b[{_COLOUR[name]}m{text}\x1b[0m" if colour else text


def _axis_labels(low: float, high: float) -> list[str]:
    """Top, middle and bottom labels, with as many decimals as the span needs (3 significant)."""
    half_span = high / 2 - low / 2  # halves: no overflow to inf, whatever the values
    values = (high, low / 2 + high / 2, low)
    if not half_span > 0 or not math.isfinite(half_span):
        return [f"{value:.3g}" for value in values]
    decimals = max(0, min(8, 2 - math.floor(math.log10(half_span) + math.log10(2))))
    if max(abs(high), abs(low)) >= 1e6 or decimals > 6:
        return [f"{value:.3g}" for value in values]
    return [f"{value:.{decimals}f}" for value in values]


def _widen(low: float, high: float) -> tuple[float, float]:
    """A visible range around values that are (nearly) equal: half a unit either way, or 5% of the
    value where half a unit is lost in a float (1e29 + 0.5 is 1e29), on the side that stays finite."""
    delta = max(0.5, abs(low) * 0.05, abs(high) * 0.05)
    below, above = low - delta, high + delta
    if not math.isfinite(above):
        below, above = low - 2 * delta, high
    elif not math.isfinite(below):
        below, above = low, high + 2 * delta
    return below, above


def _value(value: float) -> str:
    """A last value in the legend: four decimals, as the CLI's tables show metrics (tiny or huge
    values: four significant digits)."""
    return f"{value:.4f}" if value == 0 or 1e-3 <= abs(value) < 1e6 else f"{value:.4g}"


def _line(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    """The dots from (x0, y0) to (x1, y1), both ends included (Bresenham)."""
    dots = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err = dx + dy
    while True:
        dots.append((x0, y0))
        if x0 == x1 and y0 == y1:
            return dots
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy


def render(
    series: Mapping[str, Points],
    *,
    width: int,
    height: int = DEFAULT_HEIGHT,
    colour: bool = False,
    title: str = "loss",
) -> list[str]:
    """The chart of ``series`` (``train_loss``, ``valid_loss``, ``full_valid_loss``: ``(step, value)``
    lists, any of them empty) as lines at most ``width`` characters wide (clamped to
    ``MIN_WIDTH..MAX_WIDTH``), ``height`` plot rows high. No points at all: a one-line notice."""
    drawn = {name: list(series.get(name) or ()) for name in (TRAIN, VALID, FULL_VALID)}
    points = [p for name in drawn for p in drawn[name]]
    if not points:
        return [f"{title}: no metrics yet"]
    width = max(MIN_WIDTH, min(width, MAX_WIDTH))
    height = max(MIN_HEIGHT, height)
    first, last = min(s for s, _ in points), max(s for s, _ in points)
    low, high = min(v for _, v in points), max(v for _, v in points)
    if math.isclose(low, high):
        low, high = _widen(low, high)
    labels = _axis_labels(low, high)
    pad = max(len(text) for text in labels)
    cols = width - pad - 2  # "label ┤" then the plot
    dots_x, dots_y = cols * 2, height * 4

    def x_of(step: int) -> int:
        return 0 if last == first else round((step - first) * (dots_x - 1) / (last - first))

    def y_of(value: float) -> int:  # 0 is the top row of dots
        return round((high / 2 - value / 2) / (high / 2 - low / 2) * (dots_y - 1))

    cells = [[0] * cols for _ in range(height)]
    train = [(x_of(s), y_of(v)) for s, v in drawn[TRAIN]]
    trail = train[:1] + [dot for a, b in itertools.pairwise(train) for dot in _line(*a, *b)[1:]]
    for x, y in trail:
        cells[y // 4][x // 2] |= _DOT[x % 2][y % 4]
    marks: dict[tuple[int, int], str] = {}
    for name in (VALID, FULL_VALID):
        for s, v in drawn[name]:
            marks[(y_of(v) // 4, x_of(s) // 2)] = name
    middle = height // 2
    heading = f"{title} (steps {first}-{last})" if first != last else f"{title} (step {first})"
    lines = [_fit(heading, width)]
    for row in range(height):
        label = {0: labels[0], middle: labels[1], height - 1: labels[2]}.get(row)
        axis = f"{label.rjust(pad)} ┤" if label is not None else f"{' ' * pad} │"
        text = []
        for col in range(cols):
            mark = marks.get((row, col))
            if mark is not None:
                text.append(_paint(_MARK[mark], mark, colour))
            elif cells[row][col]:
                text.append(_paint(chr(_BRAILLE + cells[row][col]), TRAIN, colour))
            else:
                text.append(" ")
        lines.append((axis + "".join(text)).rstrip())
    lines.append(" " * pad + " └" + "─" * cols)
    left, right = str(first), str(last)
    ticks = (left + "step".center(cols - len(left) - len(right)) + right) if first != last else left
    lines.append(_fit(" " * (pad + 2) + ticks.rstrip(), width))  # steps of 30 digits: cut
    lines.extend(_legend(drawn, colour, width))
    return lines


def _fit(text: str, width: int) -> str:
    """``text``, or its first ``width - 1`` characters and an ellipsis when it is longer."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _legend(drawn: Mapping[str, Points], colour: bool, width: int) -> list[str]:
    """The last value of each series drawn, with its step, packed into lines of at most ``width``."""
    lines: list[str] = []
    shown = 0  # visible length of the last line (colour codes aside)
    for name in (TRAIN, VALID, FULL_VALID):
        if not drawn[name]:
            continue
        step, value = drawn[name][-1]
        plain = _fit(f"{_LEGEND_MARK[name]} {name} {_value(value)} (step {step})", width)
        part = plain.replace(_LEGEND_MARK[name], _paint(_LEGEND_MARK[name], name, colour), 1)
        if lines and shown + 3 + len(plain) <= width:
            lines[-1] += "   " + part
            shown += 3 + len(plain)
        else:
            lines.append(part)
            shown = len(plain)
    return lines
