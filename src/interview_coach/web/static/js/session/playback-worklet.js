// AudioWorklet processor: the interviewer's voice out. PCM16 chunks in (posted by
// player.js), a gap-free stream of samples to the speakers, and the playhead back.
//
// Why a worklet rather than one AudioBufferSourceNode per chunk: chunks arrive about every
// 40 ms, and scheduling each as its own node leaves clicks and gaps whenever the main thread
// is late. Here one queue is read sample by sample on the render thread.
//
// - Jitter buffer: a new utterance starts only once PREBUFFER_MS of it is queued (or it
//   has waited that long), so network jitter does not cut the first words into pieces.
// - Clear (barge-in): every queued sample of an utterance goes at once, at the next render
//   quantum (under 6 ms at 24 kHz), and later chunks of that utterance are refused.
// - Gain (volume and mute) is applied here, with a 10 ms ramp so it never clicks; muted
//   audio still "plays" silently, so the playhead (and the captions that follow it) go on.
// - Progress: samples played per utterance, whether audio is playing, and for tests the
//   count of non-silent samples sent to the output (so a test can tell that gain works).

const PREBUFFER_MS = 150;
const REPORT_EVERY_QUANTA = 4;
const GAIN_RAMP_MS = 10;

class PcmPlaybackProcessor extends AudioWorkletProcessor {
  /** @param {{processorOptions?: {inputRate?: number}}} options */
  constructor(options) {
    super();
    this.inputRate = options.processorOptions?.inputRate || sampleRate;
    /** @type {{id: string, data: Float32Array}[]} */
    this.queue = [];
    this.readIndex = 0; // fractional position in queue[0].data (input samples)
    /** @type {Map<string, number>} input samples played, per utterance */
    this.played = new Map();
    /** @type {Set<string>} utterances cleared by barge-in: their late chunks are refused */
    this.refused = new Set();
    this.current = ''; // the utterance playing now ('' when none)
    this.waitingSince = -1; // currentFrame when the head utterance began to wait
    this.gain = 1;
    this.targetGain = 1;
    this.audible = 0;
    this.totalPlayed = 0;
    this.quanta = 0;
    this.wasPlaying = false;
    this.port.onmessage = (event) => this.receive(event.data);
  }

  /** @param {{type: string, id?: string, pcm?: ArrayBuffer, value?: number, rate?: number}} message */
  receive(message) {
    switch (message.type) {
      case 'chunk':
        if (message.id === undefined || !message.pcm || this.refused.has(message.id)) return;
        this.queue.push({ id: message.id, data: fromPcm16le(message.pcm) });
        break;
      case 'clear':
        this.clear(message.id ?? null);
        break;
      case 'gain':
        this.targetGain = Math.max(0, Math.min(1, Number(message.value)));
        break;
      case 'rate':
        if (Number(message.rate) > 0) this.inputRate = Number(message.rate);
        break;
      default:
        break;
    }
  }

  /**
   * Drop queued audio: one utterance (refusing its later chunks too), or all of it.
   * @param {string|null} id
   */
  clear(id) {
    if (id !== null) this.refused.add(id);
    const head = this.queue[0];
    this.queue = id === null ? [] : this.queue.filter((chunk) => chunk.id !== id);
    if (this.queue[0] !== head) this.readIndex = 0;
    if (id === null || this.current === id) this.current = '';
    // Acknowledge with the counts as they stand: nothing of `id` plays after this point.
    this.port.postMessage({ type: 'cleared', id, totalPlayed: this.totalPlayed, audible: this.audible });
    this.report();
  }

  /** Samples of the head utterance queued, for the jitter buffer. */
  queuedOf(id) {
    let total = -Math.floor(this.readIndex);
    for (const chunk of this.queue) {
      if (chunk.id !== id) break;
      total += chunk.data.length;
    }
    return total;
  }

  /** Whether the head of the queue may play now (jitter buffer filled or waited out). */
  mayStart() {
    const head = this.queue[0];
    if (!head) return false;
    if (head.id === this.current) return true;
    if (this.waitingSince < 0) this.waitingSince = currentFrame;
    const enough = this.queuedOf(head.id) >= (this.inputRate * PREBUFFER_MS) / 1000;
    const waited = currentFrame - this.waitingSince >= (sampleRate * PREBUFFER_MS) / 1000;
    if (!enough && !waited) return false;
    this.current = head.id;
    this.waitingSince = -1;
    return true;
  }

  /**
   * @param {Float32Array[][]} _inputs
   * @param {Float32Array[][]} outputs
   * @returns {boolean}
   */
  process(_inputs, outputs) {
    const out = outputs[0][0];
    const step = this.inputRate / sampleRate;
    const ramp = 1 / ((sampleRate * GAIN_RAMP_MS) / 1000);
    let playing = false;
    for (let i = 0; i < out.length; i++) {
      let sample = 0;
      if (this.mayStart()) {
        sample = this.read(step);
        playing = true;
      }
      if (this.gain !== this.targetGain) {
        const delta = this.targetGain - this.gain;
        this.gain = Math.abs(delta) <= ramp ? this.targetGain : this.gain + Math.sign(delta) * ramp;
      }
      const value = sample * this.gain;
      out[i] = value;
      if (value !== 0) this.audible++;
    }
    for (let channel = 1; channel < outputs[0].length; channel++) outputs[0][channel].set(out);
    if (!playing && this.queue.length === 0) this.current = '';
    this.quanta++;
    if (playing !== this.wasPlaying || this.quanta % REPORT_EVERY_QUANTA === 0) this.report(playing);
    return true;
  }

  /**
   * One output sample from the head chunk (linear interpolation when the rates differ),
   * advancing the playhead by `step` input samples.
   * @param {number} step
   * @returns {number}
   */
  read(step) {
    const chunk = this.queue[0];
    const whole = Math.floor(this.readIndex);
    const fraction = this.readIndex - whole;
    const next = whole + 1 < chunk.data.length ? chunk.data[whole + 1] : this.peekNext(chunk);
    const sample = chunk.data[whole] + (next - chunk.data[whole]) * fraction;
    const before = whole;
    this.readIndex += step;
    const advanced = Math.floor(this.readIndex) - before;
    if (advanced > 0) {
      this.played.set(chunk.id, (this.played.get(chunk.id) ?? 0) + advanced);
      this.totalPlayed += advanced;
    }
    if (this.readIndex >= chunk.data.length) {
      this.readIndex -= chunk.data.length;
      this.queue.shift();
      if (this.queue[0] && this.queue[0].id !== chunk.id) this.readIndex = 0;
    }
    return sample;
  }

  /** @param {{id: string, data: Float32Array}} chunk */
  peekNext(chunk) {
    const following = this.queue[1];
    return following && following.id === chunk.id ? following.data[0] : chunk.data[chunk.data.length - 1];
  }

  /** @param {boolean} [playing] */
  report(playing = this.wasPlaying) {
    this.wasPlaying = playing;
    this.port.postMessage({
      type: 'progress',
      current: this.current,
      played: Object.fromEntries(this.played),
      playing,
      totalPlayed: this.totalPlayed,
      audible: this.audible,
    });
  }
}

/**
 * @param {ArrayBuffer} buffer  16-bit signed little-endian mono
 * @returns {Float32Array}
 */
function fromPcm16le(buffer) {
  const view = new DataView(buffer);
  const samples = new Float32Array(Math.floor(buffer.byteLength / 2));
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 32768;
  return samples;
}

registerProcessor('pcm-playback', PcmPlaybackProcessor);
