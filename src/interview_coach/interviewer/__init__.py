"""Engines that play the interviewer: a base interface and the scripted mock.

The real-time server drives one engine per live connection; engines know nothing of
WebSockets or protobuf, so a speech-to-speech provider can replace the mock later.
"""
