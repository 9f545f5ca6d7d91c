from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Speaker(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SPEAKER_UNSPECIFIED: _ClassVar[Speaker]
    USER: _ClassVar[Speaker]
    AI: _ClassVar[Speaker]
SPEAKER_UNSPECIFIED: Speaker
USER: Speaker
AI: Speaker

class ClientToServerMessage(_message.Message):
    __slots__ = ("start_request", "audio_chunk", "end_request")
    START_REQUEST_FIELD_NUMBER: _ClassVar[int]
    AUDIO_CHUNK_FIELD_NUMBER: _ClassVar[int]
    END_REQUEST_FIELD_NUMBER: _ClassVar[int]
    start_request: StartRequest
    audio_chunk: AudioChunk
    end_request: EndRequest
    def __init__(self, start_request: _Optional[_Union[StartRequest, _Mapping]] = ..., audio_chunk: _Optional[_Union[AudioChunk, _Mapping]] = ..., end_request: _Optional[_Union[EndRequest, _Mapping]] = ...) -> None: ...

class StartRequest(_message.Message):
    __slots__ = ("auth_token", "interview_id", "audio_config")
    AUTH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    INTERVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    AUDIO_CONFIG_FIELD_NUMBER: _ClassVar[int]
    auth_token: str
    interview_id: str
    audio_config: AudioConfig
    def __init__(self, auth_token: _Optional[str] = ..., interview_id: _Optional[str] = ..., audio_config: _Optional[_Union[AudioConfig, _Mapping]] = ...) -> None: ...

class AudioConfig(_message.Message):
    __slots__ = ("encoding", "sample_rate_hertz")
    class Encoding(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ENCODING_UNSPECIFIED: _ClassVar[AudioConfig.Encoding]
        LINEAR_PCM: _ClassVar[AudioConfig.Encoding]
    ENCODING_UNSPECIFIED: AudioConfig.Encoding
    LINEAR_PCM: AudioConfig.Encoding
    ENCODING_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_HERTZ_FIELD_NUMBER: _ClassVar[int]
    encoding: AudioConfig.Encoding
    sample_rate_hertz: int
    def __init__(self, encoding: _Optional[_Union[AudioConfig.Encoding, str]] = ..., sample_rate_hertz: _Optional[int] = ...) -> None: ...

class AudioChunk(_message.Message):
    __slots__ = ("audio_content", "utterance_id")
    AUDIO_CONTENT_FIELD_NUMBER: _ClassVar[int]
    UTTERANCE_ID_FIELD_NUMBER: _ClassVar[int]
    audio_content: bytes
    utterance_id: str
    def __init__(self, audio_content: _Optional[bytes] = ..., utterance_id: _Optional[str] = ...) -> None: ...

class EndRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ServerToClientMessage(_message.Message):
    __slots__ = ("start_response", "audio_chunk", "partial_transcript", "session_ended", "error", "interviewer_status", "playback_cleared", "session_notice")
    START_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    AUDIO_CHUNK_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_TRANSCRIPT_FIELD_NUMBER: _ClassVar[int]
    SESSION_ENDED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    INTERVIEWER_STATUS_FIELD_NUMBER: _ClassVar[int]
    PLAYBACK_CLEARED_FIELD_NUMBER: _ClassVar[int]
    SESSION_NOTICE_FIELD_NUMBER: _ClassVar[int]
    start_response: StartResponse
    audio_chunk: AudioChunk
    partial_transcript: PartialTranscript
    session_ended: SessionEnded
    error: Error
    interviewer_status: InterviewerStatus
    playback_cleared: PlaybackCleared
    session_notice: SessionNotice
    def __init__(self, start_response: _Optional[_Union[StartResponse, _Mapping]] = ..., audio_chunk: _Optional[_Union[AudioChunk, _Mapping]] = ..., partial_transcript: _Optional[_Union[PartialTranscript, _Mapping]] = ..., session_ended: _Optional[_Union[SessionEnded, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ..., interviewer_status: _Optional[_Union[InterviewerStatus, _Mapping]] = ..., playback_cleared: _Optional[_Union[PlaybackCleared, _Mapping]] = ..., session_notice: _Optional[_Union[SessionNotice, _Mapping]] = ...) -> None: ...

class StartResponse(_message.Message):
    __slots__ = ("session_id", "duration_seconds", "ai_sample_rate_hertz", "elapsed_ms", "resumed", "interviewer_engine")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    AI_SAMPLE_RATE_HERTZ_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_MS_FIELD_NUMBER: _ClassVar[int]
    RESUMED_FIELD_NUMBER: _ClassVar[int]
    INTERVIEWER_ENGINE_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    duration_seconds: int
    ai_sample_rate_hertz: int
    elapsed_ms: int
    resumed: bool
    interviewer_engine: str
    def __init__(self, session_id: _Optional[str] = ..., duration_seconds: _Optional[int] = ..., ai_sample_rate_hertz: _Optional[int] = ..., elapsed_ms: _Optional[int] = ..., resumed: _Optional[bool] = ..., interviewer_engine: _Optional[str] = ...) -> None: ...

class PartialTranscript(_message.Message):
    __slots__ = ("text", "speaker", "is_final", "utterance_id", "offset_ms")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SPEAKER_FIELD_NUMBER: _ClassVar[int]
    IS_FINAL_FIELD_NUMBER: _ClassVar[int]
    UTTERANCE_ID_FIELD_NUMBER: _ClassVar[int]
    OFFSET_MS_FIELD_NUMBER: _ClassVar[int]
    text: str
    speaker: Speaker
    is_final: bool
    utterance_id: str
    offset_ms: int
    def __init__(self, text: _Optional[str] = ..., speaker: _Optional[_Union[Speaker, str]] = ..., is_final: _Optional[bool] = ..., utterance_id: _Optional[str] = ..., offset_ms: _Optional[int] = ...) -> None: ...

class SessionEnded(_message.Message):
    __slots__ = ("reason", "message")
    class Reason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        REASON_UNSPECIFIED: _ClassVar[SessionEnded.Reason]
        USER_INITIATED: _ClassVar[SessionEnded.Reason]
        AI_INITIATED: _ClassVar[SessionEnded.Reason]
        TIMEOUT: _ClassVar[SessionEnded.Reason]
        INTERNAL_ERROR: _ClassVar[SessionEnded.Reason]
        REPLACED: _ClassVar[SessionEnded.Reason]
    REASON_UNSPECIFIED: SessionEnded.Reason
    USER_INITIATED: SessionEnded.Reason
    AI_INITIATED: SessionEnded.Reason
    TIMEOUT: SessionEnded.Reason
    INTERNAL_ERROR: SessionEnded.Reason
    REPLACED: SessionEnded.Reason
    REASON_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    reason: SessionEnded.Reason
    message: str
    def __init__(self, reason: _Optional[_Union[SessionEnded.Reason, str]] = ..., message: _Optional[str] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("code", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: int
    message: str
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class InterviewerStatus(_message.Message):
    __slots__ = ("state",)
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[InterviewerStatus.State]
        LISTENING: _ClassVar[InterviewerStatus.State]
        THINKING: _ClassVar[InterviewerStatus.State]
        SPEAKING: _ClassVar[InterviewerStatus.State]
    STATE_UNSPECIFIED: InterviewerStatus.State
    LISTENING: InterviewerStatus.State
    THINKING: InterviewerStatus.State
    SPEAKING: InterviewerStatus.State
    STATE_FIELD_NUMBER: _ClassVar[int]
    state: InterviewerStatus.State
    def __init__(self, state: _Optional[_Union[InterviewerStatus.State, str]] = ...) -> None: ...

class PlaybackCleared(_message.Message):
    __slots__ = ("utterance_id", "heard_ms")
    UTTERANCE_ID_FIELD_NUMBER: _ClassVar[int]
    HEARD_MS_FIELD_NUMBER: _ClassVar[int]
    utterance_id: str
    heard_ms: int
    def __init__(self, utterance_id: _Optional[str] = ..., heard_ms: _Optional[int] = ...) -> None: ...

class SessionNotice(_message.Message):
    __slots__ = ("kind", "message")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[SessionNotice.Kind]
        TRANSCRIPT_DELAYED: _ClassVar[SessionNotice.Kind]
        TRANSCRIPT_CAUGHT_UP: _ClassVar[SessionNotice.Kind]
        ENGINE_FALLBACK: _ClassVar[SessionNotice.Kind]
    KIND_UNSPECIFIED: SessionNotice.Kind
    TRANSCRIPT_DELAYED: SessionNotice.Kind
    TRANSCRIPT_CAUGHT_UP: SessionNotice.Kind
    ENGINE_FALLBACK: SessionNotice.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    kind: SessionNotice.Kind
    message: str
    def __init__(self, kind: _Optional[_Union[SessionNotice.Kind, str]] = ..., message: _Optional[str] = ...) -> None: ...
