"""Builders for server messages, mapping domain values onto the wire enums."""

from __future__ import annotations

from interview_coach.interviewer.base import InterviewerState, NoticeKind
from interview_coach.interviews.enums import EndReason, Speaker
from interview_coach.interviews.transcripts import utterance_id
from interview_coach.proto import interview_pb2 as pb

Message = pb.ServerToClientMessage

_SPEAKERS = {Speaker.USER: pb.USER, Speaker.AI: pb.AI}
_STATES = {
    InterviewerState.LISTENING: pb.InterviewerStatus.LISTENING,
    InterviewerState.THINKING: pb.InterviewerStatus.THINKING,
    InterviewerState.SPEAKING: pb.InterviewerStatus.SPEAKING,
}
_NOTICES = {
    NoticeKind.TRANSCRIPT_DELAYED: pb.SessionNotice.TRANSCRIPT_DELAYED,
    NoticeKind.TRANSCRIPT_CAUGHT_UP: pb.SessionNotice.TRANSCRIPT_CAUGHT_UP,
    NoticeKind.ENGINE_FALLBACK: pb.SessionNotice.ENGINE_FALLBACK,
}
_REASONS = {
    EndReason.USER_INITIATED: pb.SessionEnded.USER_INITIATED,
    EndReason.AI_INITIATED: pb.SessionEnded.AI_INITIATED,
    EndReason.TIMEOUT: pb.SessionEnded.TIMEOUT,
    EndReason.INTERNAL_ERROR: pb.SessionEnded.INTERNAL_ERROR,
    # Abandoned interviews have no connection to tell; a late joiner sees it as ended.
    EndReason.ABANDONED: pb.SessionEnded.TIMEOUT,
}
END_MESSAGES = {
    EndReason.USER_INITIATED: "You ended the interview.",
    EndReason.AI_INITIATED: "The interviewer ended the interview.",
    EndReason.TIMEOUT: "The interview's time is up.",
    EndReason.INTERNAL_ERROR: "The interview ended because of a server fault.",
    EndReason.ABANDONED: "The interview ended after the connection was lost for too long.",
}
REPLACED_MESSAGE = "This interview was opened in another tab or window."


def start_response(
    session_id: str,
    duration_seconds: int,
    ai_sample_rate_hertz: int,
    elapsed_ms: int,
    resumed: bool,
    interviewer_engine: str,
) -> Message:
    return Message(
        start_response=pb.StartResponse(
            session_id=session_id,
            duration_seconds=duration_seconds,
            ai_sample_rate_hertz=ai_sample_rate_hertz,
            elapsed_ms=elapsed_ms,
            resumed=resumed,
            interviewer_engine=interviewer_engine,
        )
    )


def transcript(
    sequence: int, speaker: Speaker, text: str, offset_ms: int, *, is_final: bool
) -> Message:
    return Message(
        partial_transcript=pb.PartialTranscript(
            text=text,
            speaker=_SPEAKERS[speaker],
            is_final=is_final,
            utterance_id=utterance_id(sequence),
            offset_ms=offset_ms,
        )
    )


def status(state: InterviewerState) -> Message:
    return Message(interviewer_status=pb.InterviewerStatus(state=_STATES[state]))


def ended(reason: EndReason) -> Message:
    return Message(
        session_ended=pb.SessionEnded(reason=_REASONS[reason], message=END_MESSAGES[reason])
    )


def replaced() -> Message:
    return Message(
        session_ended=pb.SessionEnded(reason=pb.SessionEnded.REPLACED, message=REPLACED_MESSAGE)
    )


def error(code: int, message: str) -> Message:
    return Message(error=pb.Error(code=code, message=message))


def audio(pcm: bytes, sequence: int) -> Message:
    """Interviewer audio, tagged with the utterance it speaks."""
    return Message(
        audio_chunk=pb.AudioChunk(audio_content=pcm, utterance_id=utterance_id(sequence))
    )


def playback_cleared(sequence: int, heard_ms: int) -> Message:
    return Message(
        playback_cleared=pb.PlaybackCleared(utterance_id=utterance_id(sequence), heard_ms=heard_ms)
    )


def notice(kind: NoticeKind, message: str) -> Message:
    return Message(session_notice=pb.SessionNotice(kind=_NOTICES[kind], message=message))
