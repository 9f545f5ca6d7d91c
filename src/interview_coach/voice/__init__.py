"""Speech engines (speech to text, text to speech, end of turn) and the pool they run in.

Imports only ``config`` and ``errors``: the conversation layer builds on it, not the reverse.
"""
