"""A real spoken interview in Chromium: the offline interviewer (Whisper and Piper, the run's
shared engines) behind the real web app, real-time server and database, and Chromium's fake
microphone playing a WAV answer made with Piper.

Chromium reads the microphone file from the moment the page opens the microphone (the Start
click) and, with the ``%noloop`` suffix this Chromium supports, plays it once: silence while
the greeting is said, the answer, then silence. The WAV's path must be known at launch, so
this module has its own browser (the shared one has no microphone file).
"""

from __future__ import annotations

import re
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from session_driver import LiveServer, SessionPage
from support import CHROMIUM, CHROMIUM_ARGS
from wer import word_error_rate

from interview_coach.config import Settings
from interview_coach.db.models import Interview
from interview_coach.interviewer.conversation import offline_factory
from interview_coach.interviewer.dialogue import DialogueState, opening
from interview_coach.interviewer.planner import build_plan
from interview_coach.interviews.enums import EndReason, InterviewStatus
from interview_coach.interviews.service import DEFAULT_PERSONA
from interview_coach.voice.base import split_sentences
from interview_coach.voice.engines import VoiceEngines

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

JOB_TITLE = "Backend engineer"
MINUTES = 10
# Long enough (over 15 s) for the feedback to rate its pace.
ANSWER = (
    "I am a backend engineer, and for the last five years I have built payment systems "
    "in Python. Last year I led the move of our billing service to a new database. "
    "I planned the cut over with my team, we rehearsed it every week, and we went live "
    "with no downtime. After that, invoice errors fell by half."
)
MIC_RATE = 48000  # Chromium's capture rate: the page's worklet resamples it to 16 kHz
AI_RATE = 24000  # the interviewer's audio, as StartResponse announces
# From the Start click to the greeting's first sound (connect, first sentence synthesised),
# and some room for a busy machine: the answer must not talk over the greeting.
GREETING_MARGIN_SECONDS = 7.0
TRAILING_SILENCE_SECONDS = 30.0
MAX_WER = 0.35  # the microphone path resamples 48 kHz to 16 kHz in the page's worklet
LINE_WAIT_MS = 60_000

# Logs, from the real socket, how many interviewer samples had arrived when each partial
# came (the audio queued before that sentence's); each caption change with the samples played
# at that moment; and every provisional user line: transient states, checked afterwards.
WATCH_SESSION = """
(() => {
  const log = { captions: [], userPartials: [], markers: [] };
  window.__spoken = log;
  let received = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') return;
        const message = JSON.parse(event.data);
        if (message.audioChunk) received += atob(message.audioChunk.audioContent).length / 2;
        const line = message.partialTranscript;
        if (line && line.speaker === 'AI' && !line.isFinal) {
          log.markers.push({ text: line.text, received });
        }
      });
    }
  };
  new MutationObserver(() => {
    const root = document.querySelector('[data-page=session]');
    if (!root) return;
    const played = Number(root.dataset.interviewerPlayed || 0);
    const caption = document.querySelector('[data-caption]')?.textContent || '';
    if (caption && log.captions.at(-1)?.text !== caption) {
      log.captions.push({ text: caption, played });
    }
    const partial = document.querySelector(
      '[data-transcript-scroll] [data-speaker=USER][data-final=false] .utterance-text');
    const text = partial?.textContent || '';
    if (text && log.userPartials.at(-1) !== text) log.userPartials.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();
"""


@dataclass(frozen=True)
class Greeting:
    """What the interviewer says first for this interview, and each sentence's length."""

    sentences: tuple[str, ...]
    samples: tuple[int, ...]  # at AI_RATE, as Piper made them here (within a few %)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def seconds(self) -> float:
        return sum(self.samples) / AI_RATE


@dataclass(frozen=True)
class Microphone:
    wav: Path
    greeting: Greeting

    @property
    def chromium_arg(self) -> str:
        return f"--use-file-for-fake-audio-capture={self.wav}%noloop"


def planned_greeting(voice: VoiceEngines) -> Greeting:
    """The greeting the planner gives this interview, synthesised like the interviewer does
    (sentence by sentence), to know how long it takes to say."""
    plan = build_plan(JOB_TITLE, "", "", DEFAULT_PERSONA, MINUTES * 60)
    reply, _ = opening(plan, DialogueState())
    sentences = tuple(split_sentences(reply.text))
    pcm = [voice.tts.synthesize(sentence, AI_RATE) for sentence in sentences]
    return Greeting(sentences, tuple(len(audio) // 2 for audio in pcm))


def write_answer_wav(path: Path, voice: VoiceEngines, lead_seconds: float) -> None:
    """16-bit PCM mono WAV: ``lead_seconds`` of silence, the spoken answer, long silence."""
    silence = bytes(2 * MIC_RATE)  # one second
    lead = bytes(2 * round(lead_seconds * MIC_RATE))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(MIC_RATE)
        out.writeframes(lead + voice.tts.synthesize(ANSWER, MIC_RATE))
        out.writeframes(silence * round(TRAILING_SILENCE_SECONDS))


@pytest.fixture(scope="module")
def microphone(tmp_path_factory: pytest.TempPathFactory, voice_engines: VoiceEngines) -> Microphone:
    greeting = planned_greeting(voice_engines)
    wav = tmp_path_factory.mktemp("microphone") / "answer.wav"
    write_answer_wav(wav, voice_engines, greeting.seconds + GREETING_MARGIN_SECONDS)
    return Microphone(wav, greeting)


@pytest.fixture(scope="module")
def spoken_browser(browser: Any, microphone: Microphone) -> Iterator[Any]:
    """A second Chromium from the run's Playwright, whose fake microphone plays the WAV."""
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, microphone.chromium_arg]
    )
    yield launched
    launched.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    return {"width": 1280, "height": 900}


@pytest.fixture
def page(spoken_browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """The session fixtures' tab, in the browser with the microphone file."""
    context = spoken_browser.new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def interviewer_factory(settings: Settings, voice_engines: VoiceEngines) -> Any:
    """The real offline interviewer, on the already loaded engines."""
    return offline_factory(settings, voice_engines)


class SpokenInterview:
    """One spoken interview on the session page, step by step (shared with the screenshots)."""

    def __init__(self, session: SessionPage, greeting: Greeting) -> None:
        self.session = session
        self.page = session.page
        self.greeting = greeting
        self.interview_id = ""

    def open(self) -> None:
        self.interview_id = self.session.create_interview(JOB_TITLE, minutes=MINUTES)
        self.page.add_init_script(WATCH_SESSION)
        self.session.open(self.interview_id)
        self.session.wait_phase("ready")

    def start(self) -> None:
        self.page.locator("[data-action=start]").click()  # opens the microphone: the WAV starts
        self.session.wait_phase("live")

    def counter(self, name: str) -> int:
        root = self.page.locator("[data-page=session]")
        return int(root.get_attribute(f"data-interviewer-{name}") or 0)

    def wait_caption(self, sentence: int) -> None:
        """Until the caption shows the greeting's sentence number ``sentence`` (from 0)."""
        text = self.greeting.sentences[sentence]
        expect(self.page.locator("[data-caption]")).to_have_text(text, timeout=LINE_WAIT_MS)

    def ai_lines(self) -> Any:
        return self.page.locator("[data-transcript-log] [data-speaker=AI] .utterance-text")

    def user_lines(self) -> Any:
        return self.page.locator("[data-transcript-log] [data-speaker=USER] .utterance-text")

    def wait_user_partial(self, words: int = 1) -> None:
        """Until the user's provisional line has at least ``words`` words."""
        self.page.wait_for_function(
            "n => { const line = document.querySelector("
            "'[data-speaker=USER][data-final=false] .utterance-text');"
            " return line && line.textContent.trim().split(/\\s+/).length >= n; }",
            arg=words,
            timeout=LINE_WAIT_MS,
        )

    def wait_user_final(self) -> str:
        expect(self.user_lines()).to_have_count(1, timeout=LINE_WAIT_MS)
        return str(self.user_lines().first.inner_text())

    def wait_next_line(self) -> None:
        """Until the interviewer is saying its next line, audibly, with its caption."""
        self.page.wait_for_function(
            "first => { const c = document.querySelector('[data-caption]')?.textContent || '';"
            " return c && !c.startsWith(first); }",
            arg=self.greeting.sentences[0],
            timeout=LINE_WAIT_MS,
        )
        expect(self.page.locator("[data-ai-status-text]")).to_have_text("Speaking")

    def end(self) -> None:
        self.page.get_by_role("button", name="End interview").click()
        self.page.wait_for_url(f"**/interview/{self.interview_id}/feedback")
        report = self.page.locator("[data-feedback-report][data-state=ready]")
        expect(report).to_be_visible(timeout=30_000)


@pytest.fixture
def interview(session: SessionPage, microphone: Microphone) -> SpokenInterview:
    return SpokenInterview(session, microphone.greeting)


def stored_interview(server: LiveServer, interview_id: str) -> Interview:
    async def load() -> Interview | None:
        async with server.resources.sessions() as db:
            return await db.get(Interview, interview_id)

    found: Interview | None = server.run(load())
    assert found is not None
    return found


def assert_captions_follow_the_voice(log: dict[str, Any], greeting: Greeting) -> None:
    """The caption showed each sentence in turn, each only once the playhead had passed the
    audio that arrived before that sentence's text (the page's gate), while playing grew."""
    shown = [entry for entry in log["captions"] if entry["text"] in greeting.sentences]
    assert [entry["text"] for entry in shown] == list(greeting.sentences), log["captions"]
    for index, entry in enumerate(shown[1:], 1):
        so_far = " ".join(greeting.sentences[: index + 1])
        marker = next(each for each in log["markers"] if each["text"] == so_far)
        assert marker["received"] > 0 and entry["played"] > marker["received"], (entry, marker)
    played = [entry["played"] for entry in shown]
    assert played == sorted(played) and played[-1] > played[0], shown


def test_a_spoken_interview_in_chromium(
    interview: SpokenInterview, live_server: LiveServer
) -> None:
    """The ready panel says what happens; the greeting plays with captions in step; the WAV
    answer shows as a provisional line, then a final one; the interviewer asks its next line;
    End mid-speech lands on feedback with the user's words, pace and real wait."""
    interview.open()
    checklist = interview.page.locator("[data-ready-checklist]")
    expect(checklist).to_contain_text("stops if you start talking over it")
    expect(checklist).to_contain_text("no audio leaves it")
    interview.start()
    greeting = interview.greeting
    interview.wait_caption(1)
    expect(interview.page.locator("[data-ai-status-text]")).to_have_text("Speaking")
    expect(interview.ai_lines().first).to_have_text(greeting.text, timeout=LINE_WAIT_MS)
    assert interview.counter("audible") > greeting.seconds * AI_RATE / 2  # it was heard
    assert interview.counter("played") >= 0.9 * sum(greeting.samples)

    answer = interview.wait_user_final()
    assert word_error_rate(ANSWER, answer) <= MAX_WER, answer
    log: dict[str, Any] = interview.page.evaluate("window.__spoken")
    assert log["userPartials"], "the user's line never showed as provisional"
    assert len(log["userPartials"][0]) < len(answer)
    assert_captions_follow_the_voice(log, greeting)

    audible = interview.counter("audible")
    interview.wait_next_line()
    interview.page.wait_for_function(
        "n => Number(document.querySelector('[data-page=session]').dataset.interviewerAudible) > n",
        arg=audible,
    )
    interview.end()

    stored = stored_interview(live_server, interview.interview_id)
    assert stored.status is InterviewStatus.COMPLETED
    assert stored.end_reason is EndReason.USER_INITIATED
    user_line = interview.page.locator("[data-transcript] [data-speaker=USER] p")
    expect(user_line).to_have_count(1)
    assert word_error_rate(ANSWER, user_line.inner_text()) <= MAX_WER
    pace = interview.page.locator("[data-figure=pace] dd")
    expect(pace).to_have_text(re.compile(r"^\d+ words/min$"))
    # The answer began after the greeting had played: its stored end, not an estimate.
    wait = interview.page.locator("[data-answer='1'] [data-label=Wait]")
    expect(wait).to_have_text(re.compile(r"^\d+\.\d s$"))
