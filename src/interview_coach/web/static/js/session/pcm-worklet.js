// AudioWorklet processor: microphone in, 16 kHz PCM16LE chunks of 40 ms out.
//
// The render thread calls `process` every 128 frames (about 2.7 ms at 48 kHz). Posting each
// of those to the page, and from there to the server, was the original app's mistake
// (hundreds of messages per second per user). Here they are resampled and collected until a
// whole chunk is ready: 40 ms = 640 samples = 1280 bytes, 25 messages a second. 40 ms is two
// 20 ms WebRTC-VAD frames, the chunk size the server benchmark assumes, and well inside the
// 500 ms or so that turn-taking needs.
import { Resampler, toPcm16le } from './resampler.js';

const OUTPUT_RATE = 16000;
const CHUNK_MS = 40;
const CHUNK_SAMPLES = (OUTPUT_RATE * CHUNK_MS) / 1000;

class PcmCaptureProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    // `sampleRate` is the AudioContext's rate, a global of the worklet scope.
    this.resampler = new Resampler(sampleRate, OUTPUT_RATE);
    this.chunk = new Float32Array(CHUNK_SAMPLES);
    this.filled = 0;
    this.peak = 0;
  }

  /**
   * @param {Float32Array[][]} inputs
   * @returns {boolean}
   */
  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const mono = channels.length === 1 ? channels[0] : mixDown(channels);
    const resampled = this.resampler.process(mono);
    for (let i = 0; i < resampled.length; i++) {
      const sample = resampled[i];
      this.chunk[this.filled++] = sample;
      this.peak = Math.max(this.peak, Math.abs(sample));
      if (this.filled === CHUNK_SAMPLES) this.flush();
    }
    return true;
  }

  /** Hand one chunk to the page, transferring the bytes rather than copying them. */
  flush() {
    const pcm = toPcm16le(this.chunk);
    this.port.postMessage({ pcm, level: this.peak }, [pcm]);
    this.filled = 0;
    this.peak = 0;
  }
}

/**
 * @param {Float32Array[]} channels
 * @returns {Float32Array}
 */
function mixDown(channels) {
  const mono = new Float32Array(channels[0].length);
  for (const channel of channels) {
    for (let i = 0; i < mono.length; i++) mono[i] += channel[i] / channels.length;
  }
  return mono;
}

registerProcessor('pcm-capture', PcmCaptureProcessor);
