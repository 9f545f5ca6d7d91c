"""Speech segments from real synthesised speech (espeak-ng) placed at known offsets."""

from __future__ import annotations

from array import array

import pytest

from feedback.audio import (
    ANSWERS,
    SAMPLE_RATE,
    Placed,
    chunks,
    mix,
    place,
    require_tools,
    segment_all,
    synthesise,
)
from feedback.helpers import InterviewFactory, eventually, make_member
from interview_coach.interviews.speech import Segment, SpeechSegmenter
from interview_coach.interviews.speech import store as speech_store
from interview_coach.interviews.speech.processor import SpeechActivityProcessor
from interview_coach.resources import Resources

TOLERANCE_MS = 100


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[Placed]]:
    """Three answers, 2.5 s and 3 s of light noise between them, starting at 1.5 s."""
    require_tools()
    directory = tmp_path_factory.mktemp("speech")
    samples = [synthesise(text, directory, f"answer{i}") for i, text in enumerate(ANSWERS)]
    placed = place(samples, 1_500, 2_500)
    end_ms = placed[-1][0] + len(samples[-1]) * 1000 // SAMPLE_RATE + 1_500
    return mix(placed, end_ms)


def assert_close(found: list[Segment], truth: list[Placed]) -> None:
    assert len(found) == len(truth), (found, truth)
    for segment, placed in zip(found, truth, strict=True):
        assert abs(segment.start_ms - placed.start_ms) <= TOLERANCE_MS, (segment, placed)
        assert abs(segment.end_ms - placed.end_ms) <= TOLERANCE_MS, (segment, placed)


def test_segments_match_spoken_answers(spoken: tuple[bytes, list[Placed]]) -> None:
    """One segment per utterance, both boundaries within 100 ms."""
    pcm, truth = spoken
    assert_close(segment_all(pcm), truth)


@pytest.mark.parametrize("chunk_ms", [20, 100, 333])
def test_chunk_size_does_not_matter(spoken: tuple[bytes, list[Placed]], chunk_ms: int) -> None:
    """Frames are cut from a buffer, so any chunking (even odd sizes) gives the same segments."""
    pcm, _ = spoken
    assert segment_all(pcm, chunk_ms) == segment_all(pcm, 40)


def test_noise_alone_is_not_speech() -> None:
    """Ten seconds of light noise give no segment."""
    pcm, _ = mix([], 10_000)
    assert segment_all(pcm) == []


def test_short_click_is_not_speech() -> None:
    """A 60 ms burst is under the 200 ms needed to start a segment."""
    silence = bytes(SAMPLE_RATE * 2)  # 1 s
    burst = array("h", (12_000 if (i // 20) % 2 else -12_000 for i in range(960))).tobytes()
    assert segment_all(silence + burst + silence) == []


def test_finish_closes_an_open_segment(spoken: tuple[bytes, list[Placed]]) -> None:
    """Audio that stops mid-answer still yields that answer, ending where speech ended."""
    pcm, truth = spoken
    cut_ms = (truth[0].start_ms + truth[0].end_ms) // 2
    found = segment_all(pcm[: cut_ms * SAMPLE_RATE // 1000 * 2])
    assert len(found) == 1
    assert abs(found[0].start_ms - truth[0].start_ms) <= TOLERANCE_MS
    assert abs(found[0].end_ms - cut_ms) <= TOLERANCE_MS


def test_gap_in_offsets_ends_the_segment(spoken: tuple[bytes, list[Placed]]) -> None:
    """A jump in offsets (a reconnect) closes the open segment and continues at the new time."""
    pcm, truth = spoken
    first_half = truth[0].start_ms + 2_000
    split = first_half * SAMPLE_RATE // 1000 * 2
    segmenter = SpeechSegmenter()
    found: list[Segment] = []
    for offset_ms, chunk in chunks(pcm[:split]):
        found += segmenter.feed(chunk, offset_ms)
    for offset_ms, chunk in chunks(pcm[split:]):
        found += segmenter.feed(chunk, offset_ms + first_half + 60_000)
    found += segmenter.finish()
    assert abs(found[0].end_ms - first_half) <= TOLERANCE_MS
    assert found[1].start_ms >= first_half + 60_000
    assert len(found) == 4


async def test_segments_are_stored_as_they_finish(
    spoken: tuple[bytes, list[Placed]], resources: Resources, make_interview: InterviewFactory
) -> None:
    """The processor commits each segment when it ends, before the audio stream closes."""
    pcm, truth = spoken
    interview = await make_interview(await make_member(resources), None)
    processor = SpeechActivityProcessor(resources.sessions, interview.id, SpeechSegmenter())
    until_ms = truth[1].end_ms + 1_000  # past the second answer and its hangover
    for offset_ms, chunk in chunks(pcm):
        if offset_ms >= until_ms:
            break
        processor.feed(chunk, offset_ms)

    async def stored() -> list[Segment]:
        async with resources.sessions() as db:
            return await speech_store.for_interview(db, interview.id)

    async def both_stored() -> bool:
        return len(await stored()) == 2

    await eventually(both_stored)  # without closing the stream
    assert_close(await stored(), truth[:2])
    await processor.close(until_ms)
    assert len(await stored()) == 2
