"""The mock interviewer: streamed, phrased for the interview, stored, and ending cleanly."""

from __future__ import annotations

from interview_coach.interviewer.base import InterviewContext, InterviewerState, SpokenLine
from interview_coach.interviewer.mock import MockInterviewer, MockTimings, script
from interview_coach.interviews.enums import EndReason, InterviewStatus, Speaker
from interview_coach.proto import interview_pb2 as pb
from interview_coach.realtime.errors import CloseCode
from interview_coach.resources import Resources

from .conftest import Seat, SeatFactory, ServerFactory, client, load, stored_transcript, url_of


async def test_line_streams_word_by_word_then_final(url: str, seat: Seat, encoding: str) -> None:
    """Partials of one utterance grow a word at a time under one id, then the final."""
    async with client(url, encoding) as c:
        await c.join(seat)
        messages = [
            m.partial_transcript for m in await c.until_final() if m.HasField("partial_transcript")
        ]
    line = script("Platform Engineer", "a friendly hiring manager")[0]
    words = line.split()
    assert [m.text for m in messages] == [" ".join(words[:n]) for n in range(1, len(words) + 1)]
    assert {m.utterance_id for m in messages} == {"u0"}
    assert {m.speaker for m in messages} == {pb.AI}
    assert [m.is_final for m in messages] == [False] * (len(words) - 1) + [True]


def test_lines_use_job_title_and_persona() -> None:
    """The script is phrased with the interview's job title and persona."""
    lines = script("Staff Nurse", "a demanding senior engineer.")
    assert "Staff Nurse" in lines[0] and "as a demanding senior engineer." in lines[0]
    assert any("Staff Nurse" in line for line in lines[1:])


async def test_status_says_what_the_interviewer_does(url: str, seat: Seat) -> None:
    """THINKING before a line, SPEAKING while it streams, LISTENING after the final."""
    async with client(url) as c:
        await c.join(seat)
        messages = await c.until_final()
        messages.append(await c.recv())
    states = [m.interviewer_status.state for m in messages if m.HasField("interviewer_status")]
    assert states == [
        pb.InterviewerStatus.THINKING,
        pb.InterviewerStatus.SPEAKING,
        pb.InterviewerStatus.LISTENING,
    ]


async def test_final_lines_are_stored_when_sent(url: str, seat: Seat, resources: Resources) -> None:
    """Each final is a transcript row (sequence, speaker, text, offset) by the time it arrives."""
    async with client(url) as c:
        await c.join(seat)
        finals = await c.finals(2)
        rows = await stored_transcript(resources, seat.interview.id)
    assert [(r.sequence, r.speaker, r.text, r.offset_ms) for r in rows] == [
        (int(f.utterance_id[1:]), Speaker.AI, f.text, f.offset_ms) for f in finals
    ]


async def test_interviewer_ends_the_interview(
    url: str, seat: Seat, resources: Resources, encoding: str
) -> None:
    """After its last line the interviewer ends it: COMPLETED (AI_INITIATED), never ERROR."""
    async with client(url, encoding) as c:
        await c.join(seat)
        messages = await c.until("session_ended", within=10)
        code = await c.closed()
    assert messages[-1].session_ended.reason == pb.SessionEnded.AI_INITIATED
    assert code == CloseCode.NORMAL
    interview = await load(resources, seat.interview.id)
    assert interview.status == InterviewStatus.COMPLETED
    assert interview.end_reason == EndReason.AI_INITIATED
    rows = await stored_transcript(resources, seat.interview.id)
    assert [r.text for r in rows] == script("Platform Engineer", "a friendly hiring manager")


async def test_duration_timeout(
    start_server: ServerFactory, make_seat: SeatFactory, resources: Resources, encoding: str
) -> None:
    """When the interview's duration runs out the server ends it with TIMEOUT."""
    server = await start_server(interview_seconds_per_minute=0.03)  # 10 minutes -> 0.3 s
    seat = await make_seat(duration_minutes=10)
    async with client(url_of(server), encoding) as c:
        start = await c.join(seat)
        messages = await c.until("session_ended")
        code = await c.closed()
    assert start.duration_seconds == 1
    assert messages[-1].session_ended.reason == pb.SessionEnded.TIMEOUT
    assert code == CloseCode.NORMAL
    interview = await load(resources, seat.interview.id)
    assert interview.status == InterviewStatus.COMPLETED
    assert interview.end_reason == EndReason.TIMEOUT


class ListSink:
    """Collects what an engine says, without a session."""

    def __init__(self) -> None:
        self.finals: list[str] = []
        self.states: list[InterviewerState] = []

    async def status(self, state: InterviewerState) -> None:
        self.states.append(state)

    async def partial(self, text: str) -> None:
        pass

    async def final(self, text: str) -> None:
        self.finals.append(text)

    async def audio(self, pcm: bytes) -> None:
        pass


async def test_mock_resumes_after_the_lines_already_spoken() -> None:
    """Given a transcript with two interviewer lines, the mock goes on with the third."""
    lines = script("Chef", "a professional interviewer")
    said = (SpokenLine(Speaker.AI, lines[0]), SpokenLine(Speaker.USER, "hi"))
    said += (SpokenLine(Speaker.AI, lines[1]),)
    context = InterviewContext("i", "Chef", "a professional interviewer", "", "", 60.0, 0, said)
    sink = ListSink()
    await MockInterviewer(context, MockTimings(0, 0, 0)).run(sink)
    assert sink.finals == lines[2:]
