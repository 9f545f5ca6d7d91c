"""Engines that play the interviewer: a base interface, the scripted mock, and the offline
interviewer's pure planner (what to ask) and dialogue (what to say next).

The real-time server drives one engine per live connection; engines know nothing of
WebSockets or protobuf, so a speech-to-speech provider can replace the mock later.
"""
