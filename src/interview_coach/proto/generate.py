"""Regenerate the Python code from the .proto; a test checks the committed copy matches."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROTO_DIR = ROOT / "proto"
PROTO_FILE = PROTO_DIR / "interview.proto"
OUTPUT_DIR = Path(__file__).resolve().parent
GENERATED = ("interview_pb2.py", "interview_pb2.pyi")


def generate(output_dir: Path) -> None:
    from grpc_tools import protoc

    args = [
        "protoc",
        f"-I{PROTO_DIR}",
        f"--python_out={output_dir}",
        f"--pyi_out={output_dir}",
        str(PROTO_FILE),
    ]
    if protoc.main(args) != 0:
        raise RuntimeError("protoc failed")


def generated_differs() -> list[str]:
    """Names of committed generated files that differ from a fresh generation."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp))
        return [
            name
            for name in GENERATED
            if (Path(tmp) / name).read_text() != (OUTPUT_DIR / name).read_text()
        ]


if __name__ == "__main__":
    generate(OUTPUT_DIR)
    sys.exit(0)
