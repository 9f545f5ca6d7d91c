"""A spoken interview through the real server: real speech in, the interviewer's voice out.

The candidate's answers are synthesised (Piper, the packaged voice), streamed in real time in
40 ms chunks like the page does, with a quiet room in between. What the interviewer says is
checked by ear too: its audio goes back through the speech recogniser.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable

import numpy as np
import pytest
import soxr
from support import add_member, eventually
from wer import word_error_rate

from interview_coach.db.models import Interview, TranscriptEntry
from interview_coach.feedback import material as material_module
from interview_coach.feedback.engines import OfflineEngine
from interview_coach.interviewer.persona import style_for
from interview_coach.interviews import service
from interview_coach.proto import interview_pb2 as pb
from interview_coach.resources import Resources
from interview_coach.voice.engines import VoiceEngines
from interview_coach.voice.pool import InferencePool

from .client import AI_RATE, RATE, Received, SpokenClient, is_final, is_kind
from .conftest import JOB_DESCRIPTION, RESUME, ServerFactory

pytestmark = pytest.mark.timeout(240)

PERSONA = "a friendly hiring manager"
OPENER_ANSWER = (
    "I am a backend engineer. For five years I have built payment systems in Python, "
    "and I enjoy running reliable services."
)
# An example with the candidate's actions, and no result: the outcome follow-up is due.
NO_OUTCOME_ANSWER = (
    "At Acme Payments I led the billing migration from MySQL to PostgreSQL. "
    "I planned the cut over with my team over several weeks, and I wrote the scripts "
    "that copied the data to the new database. I also ran the rehearsals every Friday "
    "night, and I kept the finance team informed about each step."
)
LONG_LINE_WAIT = 60.0  # the greeting and first question take about 15 s to say


async def seat_for(resources: Resources, user_id: int, minutes: int = 30) -> tuple[str, str]:
    data = service.NewInterview(
        job_title="Platform Engineer",
        job_description=JOB_DESCRIPTION,
        resume=RESUME,
        persona=PERSONA,
        duration_minutes=minutes,
    )
    async with resources.sessions() as db:
        interview = await service.create_interview(db, user_id, data)
    return interview.id, resources.tickets.issue(user_id, interview.id)


async def stored_lines(resources: Resources, interview_id: str) -> list[TranscriptEntry]:
    async with resources.sessions() as db:
        return await service.transcript(db, interview_id)


async def speech(voice: VoiceEngines, text: str) -> bytes:
    """The candidate's words, made off the loop (the server shares it with the test)."""
    return await asyncio.to_thread(voice.tts.synthesize, text, RATE)


async def heard_by_ear(voice: VoiceEngines, pcm24: bytes) -> str:
    """The interviewer's audio as the recogniser hears it."""
    audio = np.frombuffer(pcm24, dtype="<i2").astype(np.float32)
    pcm16 = soxr.resample(audio, AI_RATE, RATE).astype("<i2").tobytes()
    return await asyncio.to_thread(voice.stt.transcribe, pcm16, RATE)


async def next_ai_line(
    client: SpokenClient, after: int, within: float = LONG_LINE_WAIT
) -> Received:
    return await client.wait_for(is_final(pb.AI), within, after=after)


async def test_interviewer_speaks_listens_and_follows_up(
    start_spoken_server: ServerFactory, resources: Resources, voice_engines: VoiceEngines
) -> None:
    server = await start_spoken_server()
    member = await add_member(resources)
    interview_id, token = await seat_for(resources, member.id)
    opener_answer = await speech(voice_engines, OPENER_ANSWER)
    no_outcome_answer = await speech(voice_engines, NO_OUTCOME_ANSWER)
    client = SpokenClient(f"ws://127.0.0.1:{server.port}")
    client.loopback = True  # speakers beside the microphone: its own voice comes back
    async with client.session(token, interview_id):
        start = await client.wait_for(is_kind("start_response"), 10)
        assert start.message.start_response.interviewer_engine == "offline"
        assert start.message.start_response.ai_sample_rate_hertz == AI_RATE

        # The greeting and the first question: spoken, captioned sentence by sentence, and
        # not interrupted by its own echo.
        greeting = await next_ai_line(client, 0)
        client.loopback = False
        assert not [r for r in client.received if r.kind == "playback_cleared"]
        line = greeting.message.partial_transcript
        assert line.text == _partials_of(client, line.utterance_id)[-1], "said in full"
        audio = client.audio_of(line.utterance_id)
        assert len(audio) / 2 / AI_RATE > 3.0, "the interviewer spoke its greeting aloud"
        assert word_error_rate(line.text, await heard_by_ear(voice_engines, audio)) <= 0.25
        _assert_captions_lead_their_audio(client, line.utterance_id)

        # The opener's answer: the user's words come back as their line.
        said = client.say(opener_answer)
        mark = len(client.received)
        await said.wait()
        sent_at = asyncio.get_running_loop().time()
        user_line = await client.wait_for(is_final(pb.USER), 20, after=mark)
        assert word_error_rate(OPENER_ANSWER, user_line.message.partial_transcript.text) <= 0.25
        second = await next_ai_line(client, client.index_of(user_line))
        first_audio = await client.wait_for(
            lambda r: (
                r.kind == "audio_chunk"
                and r.message.audio_chunk.utterance_id
                == second.message.partial_transcript.utterance_id
            ),
            1,
            after=mark,
        )
        assert first_audio.at > sent_at, "the interviewer waited for the answer's end"

        # An example with no outcome: the interviewer asks for the result.
        said = client.say(no_outcome_answer)
        mark = len(client.received)
        await said.wait()
        user_line = await client.wait_for(is_final(pb.USER), 20, after=mark)
        follow_up = await next_ai_line(client, client.index_of(user_line))
        assert follow_up.message.partial_transcript.text in style_for(PERSONA).ask_outcome

        # Silence: a gentle prompt, not the next question.
        prompt = await next_ai_line(client, client.index_of(follow_up) + 1, within=30)
        assert prompt.message.partial_transcript.text in style_for(PERSONA).prompt
        await client.end()
        await client.wait_for(is_kind("session_ended"), 10)

    lines = await stored_lines(resources, interview_id)
    texts = [entry.text for entry in lines]
    assert follow_up.message.partial_transcript.text in texts
    replies = [entry for entry in lines if entry.reply_latency_ms is not None]
    assert replies, "reply latency is stored for interviewer lines that answer the user"
    assert all(0 < entry.reply_latency_ms < 5000 for entry in replies)  # type: ignore[operator]
    assert all(entry.end_ms is not None and entry.end_ms > entry.offset_ms for entry in lines)

    # The feedback has the user's words: pace, fillers, quotes.
    async with resources.sessions() as db:
        interview = await db.get(Interview, interview_id)
        assert interview is not None
        material = await material_module.load(db, interview)
    report = await OfflineEngine().generate(material)
    assert report.overall.has_user_words
    # Whisper tiny drops a word or two on a loaded machine; 60 still tells real words apart.
    assert (
        report.overall.words_per_minute is not None and 60 < report.overall.words_per_minute < 250
    )
    assert report.overall.fillers is not None
    assert not report.overall.interviewer_timing_estimated
    quotes = [
        point.quote
        for section in (
            report.strengths,
            report.content_and_structure,
            report.communication_and_delivery,
            report.things_to_improve,
        )
        for point in section
        if point.quote
    ]
    user_text = " ".join(entry.text for entry in lines if entry.speaker == "USER")
    assert quotes and all(quote.strip("…. ") in user_text for quote in quotes)


def _partials_of(client: SpokenClient, utterance_id: str) -> list[str]:
    return [
        r.message.partial_transcript.text
        for r in client.received
        if r.kind == "partial_transcript"
        and r.message.partial_transcript.utterance_id == utterance_id
        and not r.message.partial_transcript.is_final
    ]


def _assert_captions_lead_their_audio(client: SpokenClient, utterance_id: str) -> None:
    """Each sentence's caption is sent just before that sentence's audio, never after."""
    seen_text = 0
    audio_after_caption = 0
    for item in client.received:
        if item.kind == "partial_transcript":
            part = item.message.partial_transcript
            if part.utterance_id == utterance_id and not part.is_final:
                seen_text += 1
                audio_after_caption = 0
        elif item.kind == "audio_chunk" and item.message.audio_chunk.utterance_id == utterance_id:
            assert seen_text > 0, "audio arrived before any caption"
            audio_after_caption += 1
    assert seen_text >= 2, "the greeting was captioned sentence by sentence"


async def test_speaking_over_the_interviewer_stops_it(
    start_spoken_server: ServerFactory, resources: Resources, voice_engines: VoiceEngines
) -> None:
    server = await start_spoken_server()
    member = await add_member(resources)
    interview_id, token = await seat_for(resources, member.id)
    interruption = await speech(voice_engines, "Sorry to interrupt, could I ask something first?")
    client = SpokenClient(f"ws://127.0.0.1:{server.port}")
    async with client.session(token, interview_id):
        speaking = await client.wait_for(is_kind("audio_chunk"), 20)
        utterance = speaking.message.audio_chunk.utterance_id
        await asyncio.sleep(1.5)  # well into the greeting
        loop = asyncio.get_running_loop()
        client.say(interruption)
        began = loop.time()
        cleared = await client.wait_for(is_kind("playback_cleared"), 5)
        assert cleared.message.playback_cleared.utterance_id == utterance
        # 400 ms of speech make a barge-in; the interviewer then stops within 300 ms.
        assert cleared.at - began < 0.4 + 0.3 + 0.1
        await asyncio.sleep(0.5)
        late = [
            r
            for r in client.received[client.index_of(cleared) + 1 :]
            if r.kind == "audio_chunk" and r.message.audio_chunk.utterance_id == utterance
        ]
        assert late == [], "no audio of the cut line after PlaybackCleared"
        cut = await client.wait_for(is_final(pb.AI), 5)
        full = _partials_of(client, utterance)[-1].split()
        kept = cut.message.partial_transcript.text.split()
        assert 0 < len(kept) < len(full), "the stored line keeps only what was heard"
        assert full[: len(kept)] == kept
        user_line = await client.wait_for(is_final(pb.USER), 20)
        assert "interrupt" in user_line.message.partial_transcript.text.lower()
    lines = await stored_lines(resources, interview_id)
    assert lines[0].text == cut.message.partial_transcript.text


async def test_restart_and_drop_go_on_from_the_same_point(
    start_spoken_server: ServerFactory, resources: Resources, voice_engines: VoiceEngines
) -> None:
    """A restart while the user thinks: back, the question is not asked again. Then a tab
    closed mid-answer: what was said is stored, and back again the interviewer replies."""
    server = await start_spoken_server()
    member = await add_member(resources)
    interview_id, token = await seat_for(resources, member.id)
    answer = await speech(voice_engines, OPENER_ANSWER)
    client = SpokenClient(f"ws://127.0.0.1:{server.port}")
    async with client.session(token, interview_id):
        greeting = await next_ai_line(client, 0)
        await server.stop()
    async with resources.sessions() as db:
        stored = await db.get(Interview, interview_id, populate_existing=True)
    assert stored is not None and stored.interviewer_state is not None
    assert stored.interviewer_state["pending"] is None, "the question was said in full"

    restarted = await start_spoken_server()
    again = SpokenClient(f"ws://127.0.0.1:{restarted.port}")
    async with again.session(resources.tickets.issue(member.id, interview_id), interview_id):
        start = await again.wait_for(is_kind("start_response"), 10)
        assert start.message.start_response.resumed
        resent = await again.wait_for(is_final(pb.AI), 5)
        assert resent.message.partial_transcript.text == greeting.message.partial_transcript.text
        again.say(answer)
        await asyncio.sleep(len(answer) / 2 / RATE * 0.7)  # gone before the answer ends
        assert [f.text for f in again.finals(pb.AI)] == [resent.message.partial_transcript.text]

    async def answer_stored() -> bool:
        lines = await stored_lines(resources, interview_id)
        return any(entry.speaker == "USER" for entry in lines)

    await eventually(answer_stored, 15)
    lines = await stored_lines(resources, interview_id)
    kept = next(entry for entry in lines if entry.speaker == "USER")
    assert "engineer" in kept.text.lower()

    third = SpokenClient(f"ws://127.0.0.1:{restarted.port}")
    async with third.session(resources.tickets.issue(member.id, interview_id), interview_id):
        await third.wait_for(is_kind("start_response"), 10)
        reply = await third.wait_for(
            lambda r: (
                is_final(pb.AI)(r)
                and r.message.partial_transcript.text != greeting.message.partial_transcript.text
            ),
            LONG_LINE_WAIT,
        )
    stored_ids = {f"u{entry.sequence}" for entry in lines}
    assert reply.message.partial_transcript.utterance_id not in stored_ids, "a new line"
    ai_lines = [entry.text for entry in await stored_lines(resources, interview_id)]
    assert ai_lines.count(greeting.message.partial_transcript.text) == 1, "never asked twice"


async def test_a_busy_server_delays_the_words_and_loses_none(
    start_spoken_server: ServerFactory, resources: Resources, voice_engines: VoiceEngines
) -> None:
    """With its one inference worker held by other work, the session says the transcript is
    delayed, keeps the socket and the audio going, then catches up with every word."""
    pool = InferencePool(1, 16)
    server = await start_spoken_server(voice=dataclasses.replace(voice_engines, pool=pool))
    member = await add_member(resources)
    interview_id, token = await seat_for(resources, member.id)
    answer = await speech(voice_engines, OPENER_ANSWER)
    client = SpokenClient(f"ws://127.0.0.1:{server.port}")
    try:
        async with client.session(token, interview_id):
            greeting = await next_ai_line(client, 0)
            mark = client.index_of(greeting)
            said = client.say(answer)
            hog = asyncio.ensure_future(pool.run(time.sleep, 8.0))  # another session's burst
            delayed = await client.wait_for(
                is_notice(pb.SessionNotice.TRANSCRIPT_DELAYED), 15, mark
            )
            assert "nothing is lost" in delayed.message.session_notice.message
            await said.wait()
            await hog
            caught_up = await client.wait_for(
                is_notice(pb.SessionNotice.TRANSCRIPT_CAUGHT_UP), 15, client.index_of(delayed)
            )
            user_line = await client.wait_for(is_final(pb.USER), 20, mark)
            assert client.index_of(user_line) > client.index_of(delayed)
            assert word_error_rate(OPENER_ANSWER, user_line.message.partial_transcript.text) <= 0.25
            assert caught_up.at >= delayed.at
            assert not [r for r in client.received if r.kind == "error"]
    finally:
        pool.close()


def is_notice(kind: int) -> Callable[[Received], bool]:
    return lambda r: r.kind == "session_notice" and r.message.session_notice.kind == kind
