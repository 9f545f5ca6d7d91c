// Streaming sample-rate converter for the capture worklet (browsers record at 44.1 or
// 48 kHz; the server wants 16 kHz). Windowed-sinc interpolation with a low-pass at 90 % of
// the output Nyquist so nothing above 8 kHz folds back into speech. Pure: no Web Audio here,
// so it runs in the AudioWorklet and in a plain page for tests alike.

/** Kernel half-width, in output sample periods (about 61 taps at 48 kHz to 16 kHz). */
const HALF_WIDTH_OUTPUT_SAMPLES = 10;
/** Table resolution: kernel values per input sample of distance. */
const TABLE_STEPS = 64;
/** Pass-band edge as a fraction of the lower Nyquist frequency. */
const CUTOFF = 0.9;

export class Resampler {
  /**
   * @param {number} inputRate   e.g. 48000 (the AudioContext's rate)
   * @param {number} outputRate  e.g. 16000
   */
  constructor(inputRate, outputRate) {
    if (!(inputRate > 0 && outputRate > 0)) throw new RangeError('sample rates must be positive');
    /** Input samples per output sample. */
    this.step = inputRate / outputRate;
    /** Low-pass cutoff in cycles per input sample. */
    this.cutoff = (0.5 * CUTOFF) / Math.max(1, this.step);
    this.halfWidth = Math.ceil(HALF_WIDTH_OUTPUT_SAMPLES * Math.max(1, this.step));
    this.table = buildKernel(this.cutoff, this.halfWidth);
    /** Unconsumed input, with `halfWidth` samples of history in front (zeros at start). */
    this.buffer = new Float32Array(4096);
    this.length = this.halfWidth;
    /** Position of the next output sample, in input samples from buffer start. */
    this.position = this.halfWidth;
  }

  /**
   * Feed input samples; returns the output samples they complete (possibly none).
   * @param {Float32Array} input
   * @returns {Float32Array}
   */
  process(input) {
    this.append(input);
    const { halfWidth, step, table, buffer } = this;
    const available = Math.max(0, Math.floor((this.length - halfWidth - 1 - this.position) / step) + 1);
    const output = new Float32Array(available);
    let position = this.position;
    for (let n = 0; n < available; n++) {
      const centre = Math.floor(position);
      let sum = 0;
      let weights = 0;
      for (let i = centre - halfWidth + 1; i <= centre + halfWidth; i++) {
        const distance = Math.abs(position - i);
        const weight = table[Math.round(distance * TABLE_STEPS)] ?? 0;
        sum += buffer[i] * weight;
        weights += weight;
      }
      output[n] = weights === 0 ? 0 : sum / weights;
      position += step;
    }
    this.position = position;
    this.discardConsumed();
    return output;
  }

  /** @param {Float32Array} input */
  append(input) {
    if (this.length + input.length > this.buffer.length) {
      const grown = new Float32Array(Math.max(this.buffer.length * 2, this.length + input.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(input, this.length);
    this.length += input.length;
  }

  /** Keep only the history the next output sample still needs. */
  discardConsumed() {
    const keepFrom = Math.max(0, Math.floor(this.position) - this.halfWidth);
    if (keepFrom === 0) return;
    this.buffer.copyWithin(0, keepFrom, this.length);
    this.length -= keepFrom;
    this.position -= keepFrom;
  }
}

/**
 * Blackman-windowed sinc low-pass, sampled every 1/TABLE_STEPS input samples from 0 out to
 * `halfWidth` (it is symmetric, so distance alone indexes it).
 * @param {number} cutoff  cycles per input sample
 * @param {number} halfWidth  input samples
 * @returns {Float32Array}
 */
function buildKernel(cutoff, halfWidth) {
  const size = halfWidth * TABLE_STEPS + 1;
  const table = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    const x = k / TABLE_STEPS;
    const arg = 2 * Math.PI * cutoff * x;
    const sinc = x === 0 ? 1 : Math.sin(arg) / arg;
    const phase = (Math.PI * (x + halfWidth)) / halfWidth; // window spans [-halfWidth, halfWidth]
    const window = 0.42 - 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase);
    table[k] = sinc * window;
  }
  return table;
}

/**
 * Float samples in [-1, 1] to 16-bit little-endian PCM bytes (clipped, rounded).
 * @param {Float32Array} samples
 * @returns {ArrayBuffer}
 */
export function toPcm16le(samples) {
  const bytes = new ArrayBuffer(samples.length * 2);
  const view = new DataView(bytes);
  for (let i = 0; i < samples.length; i++) {
    const clipped = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(i * 2, Math.round(clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff), true);
  }
  return bytes;
}
