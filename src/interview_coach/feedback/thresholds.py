"""Every threshold the offline engine judges by, with the kind of source it comes from.

Figures are observations (times, counts); thresholds only decide which observations are
worth a sentence. None of them says anything about emotion or confidence.
"""

from __future__ import annotations

from interview_coach.feedback.report import Threshold

# Pace, words per minute over an answer (its first to last speech, pauses included).
# Conversational speech runs at about 120 to 150 wpm (speech research); we use the issue's
# 120-160 as "conversational"; a widely used meeting speaking coach (a coaching tool)
# recommends 100 to 165, so only outside that do we suggest a change.
PACE_CONVERSATIONAL_WPM = (120, 160)
PACE_COACH_WPM = (100, 165)
PACE_COMPREHENSION_WPM = 190  # comprehension drops above this (speech research)
# Pace is judged over sustained speech, not a few words (speech-coaching practice).
PACE_MIN_ANSWER_MS = 15_000

# Filler words per minute, weighted: "um"/"uh"-type hesitations count 1, discourse
# markers ("like", "so", "you know", ...) count 1/2, since listeners notice hesitations
# more (speech research). Up to about 5 per minute is barely noticed; about 12 clearly hurts.
FILLER_WEIGHT_HESITATION = 1.0
FILLER_WEIGHT_DISCOURSE = 0.5
FILLERS_NOTICEABLE_PER_MIN = 5.0
FILLERS_HARMFUL_PER_MIN = 12.0

# A silence inside an answer longer than this is a long pause (a speech-coaching threshold;
# research counts pauses from 0.1-1 s, so this only flags the long ones).
LONG_PAUSE_MS = 2_500

# The candidate speaks roughly three quarters of an interview (interview-coaching guidance:
# 75 to 80 percent). Below 60% is flagged; above 90% leaves little room for follow-ups
# (our product choice around that guidance).
TALK_SHARE_TARGET = (0.75, 0.80)
TALK_SHARE_LOW = 0.60
TALK_SHARE_HIGH = 0.90

# Answer length: interview-coaching advice puts a full example (STAR) answer at one to two
# minutes; we accept from 30 s so short factual questions are not flagged (product choice).
ANSWER_RANGE_MS = (30_000, 120_000)

# An answer with less speech than this is not an answer: a cough, a "yes" cut off, the
# microphone catching the interviewer (product choice; "4 of 4 answered" with a 0:00 answer
# contradicted itself).
MIN_ANSWER_SPEECH_MS = 1_000

# A question the interviewer finished less than this before the interview ended, with no
# answer, is left out: there was no time to answer it, so "no answer heard" would be unfair
# (product choice).
LATE_QUESTION_MS = 15_000

# Starting to speak more than this before the interviewer's line (estimated) ended counts as
# speaking over the interviewer; then there was no wait to report. The margin absorbs the
# estimate of the interviewer's speaking time (product choice).
OVERLAP_MARGIN_MS = 1_000

# Waiting more than this before answering is mentioned, not judged: a moment to think is
# normal in interviews although conversation gaps are ~0.5 s (product choice).
LONG_WAIT_MS = 5_000

# The transcript records when the interviewer began a line, not when it ended; its length
# is estimated at a conversational 150 words per minute (speech research), capped by the
# next line.
INTERVIEWER_WPM = 150

# With no interviewer lines to split it (the interviewer failed), the user's speech is split
# into answers at silences this long (product choice).
ANSWER_BREAK_MS = 5_000


def _range_s(pair: tuple[int, int]) -> str:
    return f"{pair[0] // 1000}-{pair[1] // 1000} s"


THRESHOLDS = [
    Threshold(
        name="Conversational pace",
        value=f"{PACE_CONVERSATIONAL_WPM[0]}-{PACE_CONVERSATIONAL_WPM[1]} words per minute",
        source="speech research on conversational speaking rates",
    ),
    Threshold(
        name="Recommended pace",
        value=f"{PACE_COACH_WPM[0]}-{PACE_COACH_WPM[1]} words per minute",
        source="a widely used meeting speaking-coach tool",
    ),
    Threshold(
        name="Filler words",
        value=(
            f"noticeable from {FILLERS_NOTICEABLE_PER_MIN:g} per minute, clearly distracting "
            f"from {FILLERS_HARMFUL_PER_MIN:g}; 'um'/'uh' count 1, 'like'/'so'/'you know' 1/2"
        ),
        source="speech research on listeners' perception of fillers",
    ),
    Threshold(
        name="Long pause",
        value=f"a silence over {LONG_PAUSE_MS / 1000:g} s inside an answer",
        source="speech-coaching practice",
    ),
    Threshold(
        name="Talk share",
        value=f"about {TALK_SHARE_TARGET[0]:.0%}-{TALK_SHARE_TARGET[1]:.0%} for the candidate",
        source="interview-coaching guidance",
    ),
    Threshold(
        name="Answer length",
        value=_range_s(ANSWER_RANGE_MS),
        source="interview-coaching advice (one to two minutes for an example answer)",
    ),
    Threshold(
        name="Answer",
        value=f"at least {MIN_ANSWER_SPEECH_MS / 1000:g} s of your speech after a question",
        source="our choice, so a cough or a cut-off word is not counted as an answer",
    ),
    Threshold(
        name="Interviewer's speaking time",
        value=f"estimated at {INTERVIEWER_WPM} words per minute",
        source="speech research on conversational speaking rates",
    ),
]
