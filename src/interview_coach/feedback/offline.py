"""The default engine's work: figures from :mod:`timing` and :mod:`language`, then sentences.

Deterministic: the same material always gives the same report. Every sentence states what
was observed (times, counts, the user's own words) and, where it judges, the threshold it
judges by; nothing is said about emotion or confidence. Without the user's words the report
is written from timing alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from interview_coach.feedback import thresholds as t
from interview_coach.feedback.formatting import DASH, clock, joined, percent, plural, seconds
from interview_coach.feedback.language import filler_weight, quote, sentence_with_most_fillers
from interview_coach.feedback.material import Material
from interview_coach.feedback.report import (
    AnswerFigures,
    Headline,
    OverallFigures,
    Pause,
    Point,
    Report,
)
from interview_coach.feedback.timing import Answer, Timing, analyse
from interview_coach.interviews.enums import EndReason
from interview_coach.interviews.language import (
    StarCue,
    count_fillers,
    count_words,
    sentences,
    star_cues,
)

STAR_ORDER = ("situation", "task", "action", "result")
CONVERSATIONAL = f"{t.PACE_CONVERSATIONAL_WPM[0]}{DASH}{t.PACE_CONVERSATIONAL_WPM[1]}"
COACHED = f"{t.PACE_COACH_WPM[0]}{DASH}{t.PACE_COACH_WPM[1]}"


@dataclass(frozen=True)
class _Figured:
    """One answer with its figures and, when there are words, its text and STAR cues."""

    answer: Answer
    figures: AnswerFigures
    text: str
    cues: tuple[StarCue, ...]


def compose(material: Material, *, engine: str = "offline") -> Report:
    timing = analyse(material)
    words_known = material.has_user_words
    figured = [_figure(answer, words_known) for answer in timing.answers]
    overall = _overall(material, timing, figured, words_known)
    return Report(
        engine=engine,
        summary=_summary(material, timing, overall),
        strengths=_strengths(timing, figured, overall),
        content_and_structure=_content(timing, figured, overall),
        communication_and_delivery=_delivery(timing, figured, overall),
        things_to_improve=_improvements(timing, figured, overall),
        overall=overall,
        answers=[f.figures for f in figured],
        headline=headline(overall.average_answer_ms),
        thresholds=t.THRESHOLDS,
    )


def headline(average_answer_ms: int | None) -> Headline:
    """The dashboard's figure: average answer length, observable with or without words."""
    if average_answer_ms is None:
        return Headline(label="Average answer", value=None, display="no answers heard")
    return Headline(
        label="Average answer",
        value=round(average_answer_ms / 1000, 1),
        display=clock(average_answer_ms),
    )


# ---------------------------------------------------------------- figures


def _per_minute(count: float, ms: int) -> float:
    return round(count * 60_000 / ms, 1)


def _pace(words: int, ms: int) -> int:
    """Whole words per minute: a tenth of a word per minute means nothing to anyone."""
    return round(words * 60_000 / ms)


def _figure(answer: Answer, words_known: bool) -> _Figured:
    text = answer.text
    duration = answer.duration_ms
    words = count_words(text) if words_known and answer.heard else None
    fillers = count_fillers(text) if words_known else Counter[str]()
    cues = tuple(star_cues(text)) if words_known else ()
    sustained = duration is not None and duration >= t.PACE_MIN_ANSWER_MS
    wpm = _pace(words, duration) if words is not None and sustained and duration else None
    weighted = (
        _per_minute(filler_weight(fillers), duration)
        if words is not None and sustained and duration
        else None
    )
    figures = AnswerFigures(
        number=answer.number,
        question=answer.turn.text if answer.turn else None,
        question_start_ms=answer.turn.start_ms if answer.turn else None,
        start_ms=answer.start_ms,
        end_ms=answer.end_ms,
        duration_ms=duration,
        speaking_ms=answer.speaking_ms,
        wait_ms=answer.wait_ms,
        spoke_over=answer.spoke_over,
        long_pauses=[Pause(start_ms=a, end_ms=b) for a, b in answer.long_pauses],
        length_verdict=answer.length_verdict,
        words=words,
        words_per_minute=wpm,
        fillers=dict(sorted(fillers.items())),
        weighted_fillers_per_minute=weighted,
        star=[cue.part for cue in cues],
    )
    return _Figured(answer, figures, text, cues)


def _overall(
    material: Material, timing: Timing, figured: list[_Figured], words_known: bool
) -> OverallFigures:
    longest = timing.longest
    share = timing.talk_share
    words = sum(f.figures.words or 0 for f in figured) if words_known else None
    fillers: Counter[str] = Counter()
    for f in figured:
        fillers.update(f.figures.fillers)
    timed = [f for f in figured if f.figures.duration_ms]
    timed_ms = sum(f.figures.duration_ms or 0 for f in timed)
    rated = words_known and timed_ms >= t.PACE_MIN_ANSWER_MS
    timed_words = sum(f.figures.words or 0 for f in timed)
    timed_fillers: Counter[str] = Counter()
    for f in timed:
        timed_fillers.update(f.figures.fillers)
    return OverallFigures(
        session_ms=timing.session_ms,
        planned_ms=material.planned_ms,
        questions=timing.questions,
        answered=sum(1 for a in timing.answers if a.turn is not None and a.heard),
        user_speaking_ms=timing.user_speaking_ms,
        interviewer_speaking_ms=timing.interviewer_speaking_ms,
        interviewer_timing_estimated=timing.interviewer_estimated,
        talk_share=round(share, 3) if share is not None else None,
        longest_answer_number=longest.number if longest else None,
        longest_answer_ms=longest.duration_ms if longest else None,
        average_answer_ms=timing.average_answer_ms,
        average_wait_ms=timing.average_wait_ms,
        long_pauses=timing.long_pause_count,
        has_user_words=words_known,
        words=words,
        words_per_minute=_pace(timed_words, timed_ms) if rated else None,
        fillers=dict(sorted(fillers.items())),
        fillers_per_minute=_per_minute(sum(timed_fillers.values()), timed_ms) if rated else None,
        weighted_fillers_per_minute=(
            _per_minute(filler_weight(timed_fillers), timed_ms) if rated else None
        ),
        star_complete_answers=(
            sum(1 for f in figured if len(f.figures.star) == len(STAR_ORDER))
            if words_known
            else None
        ),
    )


# ---------------------------------------------------------------- sentences


def _summary(material: Material, timing: Timing, overall: OverallFigures) -> str:
    parts: list[str] = []
    length = clock(overall.session_ms)
    if not timing.segments and not any(a.lines for a in timing.answers):
        parts.append(
            f"No speech from you was detected in this {length} interview, so there is little "
            "to measure. Before the next one, check that your microphone level moves in the "
            "device check."
        )
    elif overall.questions:
        parts.append(
            f"In this {length} interview you answered {overall.answered} of "
            f"{plural(overall.questions, 'question')}."
        )
    else:
        parts.append(f"In this {length} interview no interviewer questions were recorded.")
    if overall.talk_share is not None:
        parts.append(
            f"You spoke for {clock(overall.user_speaking_ms)}, about "
            f"{percent(overall.talk_share)} of the talk time (interview coaches suggest about "
            "three quarters)."
        )
    if overall.average_answer_ms is not None and overall.longest_answer_ms is not None:
        parts.append(
            f"Your answers averaged {clock(overall.average_answer_ms)}; the longest, answer "
            f"{overall.longest_answer_number}, ran {clock(overall.longest_answer_ms)}."
        )
    if overall.has_user_words:
        if overall.words_per_minute is not None and overall.fillers_per_minute is not None:
            parts.append(
                f"Your pace was {overall.words_per_minute} words per minute, with "
                f"{overall.fillers_per_minute:g} filler words per minute."
            )
    else:
        parts.append(
            "Your words were not transcribed, so this report is based on timing alone: when "
            "you spoke, for how long, and where you paused."
        )
    parts.append(_ending(material, overall))
    return " ".join(p for p in parts if p)


def _ending(material: Material, overall: OverallFigures) -> str:
    planned = overall.planned_ms // 60_000
    if material.end_reason is EndReason.TIMEOUT:
        return f"The interview ran its full {planned} minutes."
    if material.end_reason is EndReason.USER_INITIATED:
        return f"You ended it after {clock(overall.session_ms)} of the planned {planned} minutes."
    if material.end_reason is EndReason.AI_INITIATED:
        return "The interviewer closed the interview."
    if material.end_reason in (EndReason.INTERNAL_ERROR, EndReason.ABANDONED):
        return "The interview stopped early; the figures cover what was recorded."
    return ""


def _timed_answers(figured: list[_Figured]) -> list[_Figured]:
    return [f for f in figured if f.figures.duration_ms is not None]


def _questions(figured: list[_Figured]) -> list[_Figured]:
    return [f for f in figured if f.figures.question is not None]


def _first_sentence(text: str) -> str | None:
    found = sentences(text)
    return quote(found[0]) if found else None


def _strengths(timing: Timing, figured: list[_Figured], o: OverallFigures) -> list[Point]:
    points: list[Point] = []
    questions = _questions(figured)
    if questions and all(f.answer.heard for f in questions):
        points.append(
            Point(text=f"You answered every question ({plural(len(questions), 'question')}).")
        )
    near = (t.TALK_SHARE_TARGET[0] - 0.05, t.TALK_SHARE_TARGET[1] + 0.05)
    if o.talk_share is not None and near[0] <= o.talk_share <= near[1]:
        points.append(
            Point(
                text=f"You carried the conversation: {percent(o.talk_share)} of the talk time "
                "was yours, close to the three quarters interview coaches suggest."
            )
        )
    timed = _timed_answers(figured)
    within = [f for f in timed if f.figures.length_verdict == "within"]
    if within:
        low, high = t.ANSWER_RANGE_MS
        points.append(
            Point(
                text=f"{_how_many(len(within), len(timed))} lasted between {clock(low)} and "
                f"{clock(high)}: long enough for an example, short enough to follow.",
                answer=within[0].figures.number if len(within) == 1 else None,
            )
        )
    if timed and o.long_pauses == 0:
        points.append(
            Point(
                text=f"No silence inside an answer was longer than "
                f"{t.LONG_PAUSE_MS / 1000:g} s: your answers kept moving."
            )
        )
    if o.words_per_minute is not None and (
        t.PACE_CONVERSATIONAL_WPM[0] <= o.words_per_minute <= t.PACE_CONVERSATIONAL_WPM[1]
    ):
        points.append(
            Point(
                text=f"Your pace, {o.words_per_minute} words per minute, is in the "
                f"conversational {CONVERSATIONAL} "
                "range."
            )
        )
    if (
        o.weighted_fillers_per_minute is not None
        and o.weighted_fillers_per_minute < t.FILLERS_NOTICEABLE_PER_MIN
    ):
        points.append(
            Point(
                text=f"Few filler words: {o.fillers_per_minute:g} per minute, "
                f"{_weighted(o.weighted_fillers_per_minute)}; listeners start to notice from "
                f"about {t.FILLERS_NOTICEABLE_PER_MIN:g}."
            )
        )
    for f in figured:
        if len(f.figures.star) == len(STAR_ORDER):
            result = next(c for c in f.cues if c.part == "result")
            points.append(
                Point(
                    text=f"Answer {f.figures.number} followed the STAR pattern, from the "
                    "situation through to a result.",
                    quote=quote(result.sentence),
                    answer=f.figures.number,
                )
            )
            break
    return points  # nothing rather than a strength that says nothing


def _content(timing: Timing, figured: list[_Figured], o: OverallFigures) -> list[Point]:
    points: list[Point] = []
    timed = _timed_answers(figured)
    if timed:
        durations = [f.figures.duration_ms or 0 for f in timed]
        low, high = t.ANSWER_RANGE_MS
        within = sum(1 for f in timed if f.figures.length_verdict == "within")
        spread = (
            f"Your {plural(len(timed), 'answer')} ran from {clock(min(durations))} to "
            f"{clock(max(durations))}"
            if len(timed) > 1
            else f"Your answer ran {clock(durations[0])}"
        )
        of_them = f"{within} of them"
        if len(timed) == 1:
            of_them = "it was" if within else "it was not"
        points.append(
            Point(
                text=f"{spread}; {of_them} within the recommended {clock(low)}{DASH}{clock(high)}."
            )
        )
    if o.longest_answer_number is not None and len(timed) > 1:
        longest = next(f for f in figured if f.figures.number == o.longest_answer_number)
        question = longest.figures.question
        about = f' to "{quote(question, 20)}"' if question else ""
        points.append(
            Point(
                text=f"Your longest answer was answer {longest.figures.number}{about}.",
                quote=_first_sentence(longest.text),
                answer=longest.figures.number,
            )
        )
    if o.has_user_words:
        for f in figured:
            if not f.answer.heard or not f.text:
                continue
            cues = {c.part: c for c in f.cues}
            if not cues:
                continue
            covered = [part for part in STAR_ORDER if part in cues]
            missing = [part for part in STAR_ORDER if part not in cues]
            text = f"Answer {f.figures.number} covered the {joined(covered)}"
            text += f" but not the {joined(missing)}." if missing else ": a complete STAR answer."
            best = cues.get("result") or cues[covered[-1]]
            points.append(Point(text=text, quote=quote(best.sentence), answer=f.figures.number))
    else:
        points.append(
            Point(
                text="Your words were not transcribed, so the content and structure of your "
                "answers (situation, task, action, result) could not be checked; the figures "
                "here come from when you spoke."
            )
        )
    for f in _questions(figured):
        if not f.answer.heard:
            points.append(
                Point(
                    text=f"No answer was heard to question {f.figures.number}: "
                    f'"{quote(f.figures.question or "", 20)}"',
                    answer=f.figures.number,
                )
            )
    return points


def _weighted(rate: float) -> str:
    return f'or {rate:g} with "like" and "so" counting half as much as "um" and "uh"'


def _how_many(count: int, total: int) -> str:
    """ "All 3 answers", "Both answers", "Your answer" or "2 of 5 answers"."""
    if count == total:
        return {1: "Your answer", 2: "Both answers"}.get(total, f"All {total} answers")
    return f"{count} of {plural(total, 'answer')}"


def _delivery(timing: Timing, figured: list[_Figured], o: OverallFigures) -> list[Point]:
    points: list[Point] = []
    if o.talk_share is not None:
        estimate = (
            " (the interviewer's part is estimated from its words)"
            if o.interviewer_timing_estimated
            else ""
        )
        points.append(
            Point(
                text=f"Talk share: you {clock(o.user_speaking_ms)}, the interviewer "
                f"{clock(o.interviewer_speaking_ms)}: {percent(o.talk_share)} yours{estimate}."
            )
        )
    if o.average_wait_ms is not None:
        points.append(
            Point(
                text=f"You began answering {seconds(o.average_wait_ms)} after the interviewer "
                f"finished, on average{' (estimated)' if o.interviewer_timing_estimated else ''}."
            )
        )
    over = [f for f in figured if f.figures.spoke_over]
    if over:
        points.append(
            Point(
                text=f"In {_answers_label(over).lower()} you started speaking before the "
                "interviewer had finished the question, so there is no wait to count there. "
                "Letting the question end first shows you heard all of it.",
                answer=over[0].figures.number if len(over) == 1 else None,
            )
        )
    if o.long_pauses:
        pauses = [
            (p.end_ms - p.start_ms, f.figures.number, p.start_ms)
            for f in figured
            for p in f.figures.long_pauses
        ]
        longest, number, at = max(pauses)
        points.append(
            Point(
                text=f"{plural(o.long_pauses, 'silence')} over {t.LONG_PAUSE_MS / 1000:g} s "
                f"inside answers; the longest, {seconds(longest)}, in answer {number} at "
                f"{clock(at)}.",
                answer=number,
            )
        )
    elif _timed_answers(figured):
        points.append(
            Point(text=f"No silence over {t.LONG_PAUSE_MS / 1000:g} s inside any answer.")
        )
    if not o.has_user_words:
        points.append(
            Point(
                text="Pace and filler words need your words, which were not transcribed in "
                "this interview."
            )
        )
        return points
    if o.words_per_minute is not None:
        paces = [f.figures.words_per_minute for f in figured if f.figures.words_per_minute]
        spread = (
            f" (from {min(paces):g} to {max(paces):g} across answers)" if len(paces) > 1 else ""
        )
        points.append(
            Point(
                text=f"Pace: {o.words_per_minute} words per minute{spread}; conversational "
                f"speech is about {CONVERSATIONAL}."
            )
        )
    if o.fillers:
        top = sorted(o.fillers.items(), key=lambda item: (-item[1], item[0]))[:3]
        listed = ", ".join(f'"{form}" ({count})' for form, count in top)
        rate = f", {o.fillers_per_minute:g} per minute" if o.fillers_per_minute is not None else ""
        worst = max(figured, key=lambda f: filler_weight(f.figures.fillers))
        sentence = sentence_with_most_fillers(worst.text)
        points.append(
            Point(
                text=f"{plural(sum(o.fillers.values()), 'filler word')}{rate}: {listed}.",
                quote=quote(sentence) if sentence else None,
                answer=worst.figures.number,
            )
        )
    else:
        points.append(Point(text='No filler words such as "um", "uh" or "like" were found.'))
    return points


def _improvements(timing: Timing, figured: list[_Figured], o: OverallFigures) -> list[Point]:
    points: list[Point] = []
    low, high = t.ANSWER_RANGE_MS
    short = [f for f in figured if f.figures.length_verdict == "short"]
    if short:
        points.append(
            Point(
                text=f"{_answers_label(short)} lasted under {clock(low)}. Aim for one to two "
                "minutes: the situation, what you did, and the result.",
                quote=_first_sentence(short[0].text),
                answer=short[0].figures.number,
            )
        )
    long = [f for f in figured if f.figures.length_verdict == "long"]
    if long:
        longest = max(long, key=lambda f: f.figures.duration_ms or 0)
        points.append(
            Point(
                text=f"{_answers_label(long)} ran over {clock(high)} (the longest "
                f"{clock(longest.figures.duration_ms)}). Lead with your point and stop after "
                "the result; the interviewer can ask for more.",
                quote=_first_sentence(longest.text),
                answer=longest.figures.number,
            )
        )
    unanswered = [f for f in _questions(figured) if not f.answer.heard]
    if unanswered:
        points.append(
            Point(
                text=f"Question {joined([f.figures.number for f in unanswered])} got no answer "
                "we could hear. If you need time, say so, or ask for the question again."
            )
        )
    if o.talk_share is not None and o.talk_share < t.TALK_SHARE_LOW:
        points.append(
            Point(
                text=f"You had {percent(o.talk_share)} of the talk time; candidates usually speak "
                "about three quarters of an interview. Give each answer an example."
            )
        )
    elif o.talk_share is not None and o.talk_share > t.TALK_SHARE_HIGH:
        points.append(
            Point(
                text=f"You had {percent(o.talk_share)} of the talk time, which leaves the "
                "interviewer little room for follow-up questions."
            )
        )
    if o.long_pauses:
        with_pauses = [f for f in figured if f.figures.long_pauses]
        points.append(
            Point(
                text=f"{_answers_label(with_pauses)} had silences over "
                f"{t.LONG_PAUSE_MS / 1000:g} s. A short pause is fine; for a longer one, "
                'say what you are doing ("let me think of a good example").',
                answer=with_pauses[0].figures.number if len(with_pauses) == 1 else None,
            )
        )
    slow = [f for f in figured if (f.figures.wait_ms or 0) > t.LONG_WAIT_MS]
    if slow:
        points.append(
            Point(
                text=f"Before {_answers_label(slow).lower()} you waited over "
                f"{t.LONG_WAIT_MS // 1000} s to start. Taking a moment is normal; saying so "
                "keeps the conversation going."
            )
        )
    points.extend(_word_improvements(figured, o))
    if not points:
        points.append(
            Point(
                text="Nothing in the figures stands out. Next time, try a longer interview or a "
                "more demanding interviewer."
            )
        )
    return points


def _word_improvements(figured: list[_Figured], o: OverallFigures) -> list[Point]:
    if not o.has_user_words:
        return []
    points: list[Point] = []
    wpm = o.words_per_minute
    if wpm is not None and wpm < t.PACE_COACH_WPM[0]:
        points.append(
            Point(
                text=f"At {wpm} words per minute your pace is below the {COACHED} "
                "speaking coaches recommend; rehearsing your key examples aloud helps them flow."
            )
        )
    elif wpm is not None and wpm > t.PACE_COACH_WPM[1]:
        beyond = (
            f"; above {t.PACE_COMPREHENSION_WPM} listeners follow less"
            if wpm > t.PACE_COMPREHENSION_WPM
            else ""
        )
        points.append(
            Point(
                text=f"At {wpm} words per minute your pace is above the {COACHED} "
                f"speaking coaches recommend{beyond}. Pause briefly at the end of each point."
            )
        )
    rate = o.weighted_fillers_per_minute
    if rate is not None and rate >= t.FILLERS_NOTICEABLE_PER_MIN:
        worst = max(figured, key=lambda f: filler_weight(f.figures.fillers))
        sentence = sentence_with_most_fillers(worst.text)
        level = "clearly distracting" if rate >= t.FILLERS_HARMFUL_PER_MIN else "noticeable"
        points.append(
            Point(
                text=f"Filler words came {o.fillers_per_minute:g} times per minute, "
                f"{_weighted(rate)}, which listeners find {level}. A short silence works "
                "better.",
                quote=quote(sentence) if sentence else None,
                answer=worst.figures.number,
            )
        )
    heard = [f for f in figured if f.text]
    no_result = [f for f in heard if "result" not in f.figures.star]
    if heard and len(no_result) == len(heard):
        points.append(
            Point(
                text="None of your answers named a result. End each example with what changed, "
                'ideally with a number ("we cut support tickets by a third").'
            )
        )
    elif no_result and len(heard) > 1:
        points.append(
            Point(
                text=f"{_answers_label(no_result)} did not name a result; finish with what "
                "changed because of what you did.",
                answer=no_result[0].figures.number if len(no_result) == 1 else None,
            )
        )
    return points


def _answers_label(items: list[_Figured]) -> str:
    values = [f.figures.number for f in items]
    return f"Answer {values[0]}" if len(values) == 1 else f"Answers {joined(values)}"
