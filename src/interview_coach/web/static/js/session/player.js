// The interviewer's voice: an AudioContext (24 kHz, the protocol's interviewer rate, so the
// browser does the resampling to the device) running playback-worklet.js. It is created on
// the Start click, because browsers only let audio start from a user gesture.
//
// The page hands it each AudioChunk; it tells the page how far playback has got, per
// utterance, so captions can follow the audio (captions.js).

/** @typedef {{type: 'progress', current: string, played: Record<string, number>, playing: boolean,
 *             totalPlayed: number, audible: number}} PlaybackProgress */

/** The rate the protocol uses for interviewer audio unless StartResponse says otherwise. */
export const DEFAULT_AI_RATE = 24000;

const WORKLET_URL = new URL('./playback-worklet.js', import.meta.url);

/**
 * Loudness for a volume slider position: a square law, so the slider's middle sounds like
 * the middle (human hearing is closer to logarithmic than linear).
 * @param {number} volume  0..100
 * @param {boolean} muted
 * @returns {number}  linear gain 0..1
 */
export function gainFor(volume, muted) {
  if (muted) return 0;
  const fraction = Math.max(0, Math.min(100, volume)) / 100;
  return fraction * fraction;
}

/**
 * Decode base64 (proto3 JSON bytes) into an ArrayBuffer.
 * @param {string} base64
 * @returns {ArrayBuffer}
 */
export function fromBase64(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export class VoicePlayer {
  /**
   * @param {{onProgress: (progress: PlaybackProgress) => void,
   *          onCleared?: (ack: {id: string|null, totalPlayed: number, audible: number}) => void}} options
   *   onCleared: the worklet has dropped the audio (tests time barge-in with it)
   */
  constructor({ onProgress, onCleared = () => {} }) {
    this.onProgress = onProgress;
    this.onCleared = onCleared;
    /** @type {AudioContext|null} */
    this.context = null;
    /** @type {AudioWorkletNode|null} */
    this.node = null;
    /** @type {Promise<void>|null} */
    this.ready = null;
    this.rate = DEFAULT_AI_RATE;
    this.gain = 1;
    /** @type {Map<string, number>} samples handed to the worklet, per utterance */
    this.queued = new Map();
    /** @type {Record<string, number>} */
    this.played = {};
    /** @type {{type: string, id?: string, pcm?: ArrayBuffer}[]} messages sent before the worklet loaded */
    this.pending = [];
  }

  /**
   * Create and resume the AudioContext. Call from the Start click (a user gesture).
   * @returns {Promise<void>}
   */
  unlock() {
    if (this.context) {
      if (this.context.state === 'suspended') this.context.resume().catch(() => {});
      return this.ready ?? Promise.resolve();
    }
    if (!window.AudioContext || !window.AudioWorkletNode) return Promise.resolve();
    const context = new AudioContext({ sampleRate: this.rate, latencyHint: 'interactive' });
    this.context = context;
    // resume() right here, inside the gesture; loading the module can take longer.
    const resumed = context.resume().catch(() => {});
    this.ready = context.audioWorklet.addModule(WORKLET_URL).then(() => {
      if (this.context !== context) return;
      const node = new AudioWorkletNode(context, 'pcm-playback', {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: { inputRate: this.rate },
      });
      node.port.onmessage = (message) => this.progress(message.data);
      node.connect(context.destination);
      this.node = node;
      this.post({ type: 'gain', value: this.gain });
      for (const message of this.pending.splice(0)) this.post(message);
      return resumed;
    }).catch(() => {});
    return this.ready;
  }

  /** Whether audio can actually come out (context created and running). */
  get running() {
    return this.context !== null && this.context.state === 'running';
  }

  /** @param {number} rate  StartResponse.aiSampleRateHertz */
  setRate(rate) {
    if (!(rate > 0) || rate === this.rate) return;
    this.rate = rate;
    this.post({ type: 'rate', rate });
  }

  /** @param {number} gain  0..1 (see gainFor) */
  setGain(gain) {
    this.gain = gain;
    this.post({ type: 'gain', value: gain });
  }

  /**
   * Queue one AudioChunk of an utterance.
   * @param {string} id  utterance id
   * @param {ArrayBuffer} pcm  16-bit LE mono at `rate`
   */
  enqueue(id, pcm) {
    if (!this.context) return; // never unlocked: nothing can play, captions do not wait
    this.queued.set(id, this.queuedOf(id) + Math.floor(pcm.byteLength / 2));
    this.post({ type: 'chunk', id, pcm }, [pcm]);
  }

  /** @param {string} id */
  queuedOf(id) {
    return this.queued.get(id) ?? 0;
  }

  /** @param {string} id */
  playedOf(id) {
    return this.played[id] ?? 0;
  }

  /**
   * Drop unplayed audio at once: one utterance (barge-in; its later chunks are refused
   * too) or, without an id, everything (End, a reconnect).
   * @param {string} [id]
   */
  clear(id) {
    this.post({ type: 'clear', id });
  }

  /** Stop for good: the page is leaving the call. */
  close() {
    this.clear();
    this.node?.disconnect();
    this.node = null;
    this.context?.close().catch(() => {});
    this.context = null;
    this.ready = null;
    this.pending = [];
  }

  /**
   * @param {{type: string, [key: string]: unknown}} message
   * @param {Transferable[]} [transfer]
   */
  post(message, transfer = []) {
    if (this.node) this.node.port.postMessage(message, transfer);
    else if (this.context) this.pending.push(message);
  }

  /** @param {PlaybackProgress | {type: 'cleared', id: string|null, totalPlayed: number, audible: number}} message */
  progress(message) {
    if (message.type === 'cleared') {
      this.onCleared(message);
      return;
    }
    this.played = /** @type {PlaybackProgress} */ (message).played;
    this.onProgress(/** @type {PlaybackProgress} */ (message));
  }
}
