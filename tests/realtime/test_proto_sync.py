"""The committed generated protobuf code matches ``proto/interview.proto``."""

from __future__ import annotations

from interview_coach.proto.generate import generated_differs


def test_generated_code_matches_proto() -> None:
    """Regenerating with grpcio-tools gives exactly the committed files."""
    assert generated_differs() == [], "run: python src/interview_coach/proto/generate.py"
