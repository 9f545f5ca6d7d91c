"""The real-time session server: protobuf over WebSocket.

Layers, bottom up (Pipecat-style transport → serializer → processors):
``codec``/``protocol`` are the sans-I/O core (frames in, typed events out, frames back),
``transport`` adapts the ``websockets`` library, ``session`` runs one live interview,
``server`` accepts connections. See docs/protocol.md.
"""
