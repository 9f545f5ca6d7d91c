"""Geometry for the server-rendered SVG charts; the templates only draw what is here.

Each chart carries a title, a one-sentence description and the text each shape's
``<title>`` shows, so it reads without seeing it; the page adds a text alternative too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from interview_coach.feedback.formatting import DASH, clock, plural
from interview_coach.feedback.thresholds import ANSWER_RANGE_MS
from interview_coach.feedback.timing import Timing

TICK_STEPS_MS = (5_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000)
MIN_BAR_WIDTH = 2.0
# Room a tick label ("12:30") needs so neighbours never touch.
TICK_SPACING = 80


@dataclass(frozen=True)
class Layout:
    """A chart's drawing width. The SVG scales to its box, text too, so a phone gets its own
    narrow drawing (shown by CSS) whose 12-13 px text stays 12 px or more on screen."""

    width: int
    label_width: int

    @property
    def plot_right(self) -> int:
        return self.width - 20

    @property
    def max_ticks(self) -> int:
        return max(3, (self.plot_right - self.label_width) // TICK_SPACING + 1)


WIDE = Layout(width=800, label_width=110)
NARROW = Layout(width=330, label_width=88)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    kind: str  # a CSS class suffix
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    title: str
    description: str
    rects: list[Rect] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    ticks: list[Label] = field(default_factory=list)
    axis_y: float = 0.0
    line: str = ""  # polyline points, "x,y x,y ..."
    dots: list[Dot] = field(default_factory=list)


def _scale(span_ms: int, layout: Layout, reserve: int = 0) -> float:
    """Pixels per millisecond; ``reserve`` keeps room on the right for a bar's label."""
    return (layout.plot_right - layout.label_width - reserve) / max(span_ms, 1)


def _ticks(span_ms: int, scale: float, y: float, layout: Layout) -> list[Label]:
    limit = layout.max_ticks
    step = next((s for s in TICK_STEPS_MS if span_ms / s < limit), TICK_STEPS_MS[-1])
    return [
        Label(layout.label_width + at * scale, y, clock(at), "middle")
        for at in range(0, span_ms + 1, step)
    ]


def timeline(timing: Timing, layout: Layout = WIDE) -> Chart | None:
    """Two lanes, interviewer and you, across the whole session."""
    if not timing.turns and not timing.segments:
        return None
    span = max(
        [timing.session_ms]
        + [s.end_ms for s in timing.segments]
        + [end for turn in timing.turns for _, end in turn.spans]
    )
    scale = _scale(span, layout)
    left = layout.label_width
    lanes = {"ai": 16.0, "user": 56.0}
    height = 28.0
    rects: list[Rect] = []
    for turn in timing.turns:
        for start, end in turn.spans:
            note = " (end estimated)" if turn.estimated else ""
            rects.append(
                Rect(
                    left + start * scale,
                    lanes["ai"],
                    max((end - start) * scale, MIN_BAR_WIDTH),
                    height,
                    "ai",
                    f"Interviewer {clock(start)}{DASH}{clock(end)}{note}",
                )
            )
    for segment in timing.segments:
        rects.append(
            Rect(
                left + segment.start_ms * scale,
                lanes["user"],
                max(segment.duration_ms * scale, MIN_BAR_WIDTH),
                height,
                "user",
                f"You {clock(segment.start_ms)}{DASH}{clock(segment.end_ms)}",
            )
        )
    axis_y = lanes["user"] + height + 10
    user_talk = clock(timing.user_speaking_ms)
    ai_talk = clock(timing.interviewer_speaking_ms)
    return Chart(
        width=layout.width,
        height=int(axis_y + 24),
        title="Who spoke when",
        description=(
            f"Across {clock(span)}, the interviewer spoke in {plural(len(timing.turns), 'turn')} "
            f"for about {ai_talk} and you spoke in "
            f"{plural(len(timing.segments), 'stretch', 'stretches')} for {user_talk}."
        ),
        rects=rects,
        labels=[
            Label(left - 10, lanes["ai"] + height / 2 + 5, "Interviewer", "end"),
            Label(left - 10, lanes["user"] + height / 2 + 5, "You", "end"),
        ],
        ticks=_ticks(span, scale, axis_y + 16, layout),
        axis_y=axis_y,
    )


# Room right of the longest bar for its label ("12:30 long").
BAR_LABEL_ROOM = 72


def answer_bars(timing: Timing, layout: Layout = WIDE) -> Chart | None:
    """One bar per question, its answer's length, over the recommended range."""
    if not timing.answers:
        return None
    low, high = ANSWER_RANGE_MS
    longest = max((a.duration_ms or 0 for a in timing.answers), default=0)
    span = max(longest, high)
    scale = _scale(span, layout, BAR_LABEL_ROOM)
    left = layout.label_width
    row, bar = 34.0, 22.0
    top = 8.0
    bottom = top + row * len(timing.answers)
    rects = [
        Rect(
            left + low * scale,
            top - 4,
            (high - low) * scale,
            bottom - top + 4,
            "range",
            f"Recommended answer length {clock(low)}{DASH}{clock(high)}",
        )
    ]
    labels: list[Label] = []
    for index, answer in enumerate(timing.answers):
        y = top + index * row
        name = f"Q{answer.number}" if answer.turn else "Opening"
        labels.append(Label(left - 10, y + bar / 2 + 5, name, "end"))
        duration = answer.duration_ms
        if duration is None:
            text = "no answer heard" if not answer.heard else "length not measured"
            labels.append(Label(left + 6, y + bar / 2 + 5, text))
            continue
        verdict = {
            "short": "shorter than recommended",
            "long": "longer than recommended",
        }.get(answer.length_verdict, "within the recommended range")
        width = max(duration * scale, MIN_BAR_WIDTH)
        rects.append(
            Rect(
                left,
                y,
                width,
                bar,
                answer.length_verdict,
                f"Answer {answer.number}: {clock(duration)}, {verdict}",
            )
        )
        # The verdict in words too, so colour is never the only cue.
        note = {"short": " short", "long": " long"}.get(answer.length_verdict, "")
        labels.append(Label(left + width + 6, y + bar / 2 + 5, clock(duration) + note))
    timed = timing.timed
    within = sum(1 for a in timed if a.length_verdict == "within")
    return Chart(
        width=layout.width,
        height=int(bottom + 28),
        title="Answer lengths",
        description=(
            f"{plural(len(timing.answers), 'question')}; {within} of {len(timed)} measured "
            f"answers within the recommended {clock(low)}{DASH}{clock(high)}."
        ),
        rects=rects,
        labels=labels,
        ticks=_ticks(span, scale, bottom + 18, layout),
        axis_y=bottom + 2,
    )


TREND_WIDTH = 560
TREND_NARROW_WIDTH = 330
TREND_LEFT = 48
TREND_TOP = 10
TREND_HEIGHT = 90


def _end_labels(first: datetime, last: datetime) -> tuple[str, str]:
    """The x-axis's two dates; with the time as well when they fall on one day."""
    if first.date() == last.date():
        return first.strftime("%d %b %H:%M UTC"), last.strftime("%d %b %H:%M UTC")
    return first.strftime("%d %b"), last.strftime("%d %b")


def trend_chart(points: list[tuple[datetime, int]], width: int = TREND_WIDTH) -> Chart:
    """Average answer length per interview, oldest to newest, over the recommended band."""
    low, high = ANSWER_RANGE_MS
    top = max(max(value for _, value in points), high) * 11 // 10
    right = width - 16
    step = (right - TREND_LEFT) / max(len(points) - 1, 1)

    def y_of(value: int) -> float:
        return TREND_TOP + TREND_HEIGHT * (1 - value / top)

    dots = [
        Dot(
            TREND_LEFT + index * step,
            y_of(value),
            f"{day.strftime('%d %b %Y, %H:%M UTC')}: average answer {clock(value)}",
        )
        for index, (day, value) in enumerate(points)
    ]
    band = Rect(
        TREND_LEFT,
        y_of(high),
        right - TREND_LEFT,
        y_of(low) - y_of(high),
        "range",
        f"Recommended answer length {clock(low)}{DASH}{clock(high)}",
    )
    bottom = TREND_TOP + TREND_HEIGHT
    first_label, last_label = _end_labels(points[0][0], points[-1][0])
    return Chart(
        width=width,
        height=int(bottom + 24),
        title="Average answer length, interview by interview",
        description=", ".join(dot.title for dot in dots) + ".",
        rects=[band],
        labels=[
            Label(TREND_LEFT - 6, y_of(high) + 4, clock(high), "end"),
            Label(TREND_LEFT - 6, y_of(low) + 4, clock(low), "end"),
        ],
        ticks=[
            Label(dots[0].x, bottom + 16, first_label, "start"),
            Label(dots[-1].x, bottom + 16, last_label, "end"),
        ],
        axis_y=bottom,
        line=" ".join(f"{dot.x:.1f},{dot.y:.1f}" for dot in dots),
        dots=dots,
    )
