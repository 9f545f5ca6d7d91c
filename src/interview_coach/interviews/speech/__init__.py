"""The user's speech activity: when they spoke, found by voice-activity detection.

``segmenter`` is pure (bytes in, segments out), ``detectors`` wraps the frame classifier,
``store`` persists finished segments and ``processor`` feeds the real-time server's audio in.
"""

from interview_coach.interviews.speech.segmenter import Segment, SpeechSegmenter

__all__ = ["Segment", "SpeechSegmenter"]
