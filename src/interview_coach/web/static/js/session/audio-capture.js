// Microphone capture: getUserMedia with a timeout, an AudioWorklet that produces 16 kHz
// PCM16 chunks of 40 ms (see pcm-worklet.js), a level for the meter, mute, and a stop that
// also covers a permission prompt still open when the page goes away.

/** @typedef {'denied'|'notFound'|'busy'|'timeout'|'unsupported'|'other'|'stopped'} CaptureProblem */
/** @typedef {{ok: true} | {ok: false, problem: CaptureProblem, message: string}} CaptureResult */

export const SAMPLE_RATE_HERTZ = 16000;

/** How long an unanswered permission prompt may stay open before we say so. */
export const PERMISSION_TIMEOUT_MS = 30_000;

const CONSTRAINTS = {
  audio: {
    echoCancellation: true,
    noiseSuppression: true,
    autoGainControl: true,
    channelCount: 1,
  },
};

const WORKLET_URL = new URL('./pcm-worklet.js', import.meta.url);

/**
 * Which of our problems a getUserMedia rejection means.
 * @param {unknown} error
 * @returns {CaptureProblem}
 */
export function classifyMediaError(error) {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'notFound';
    case 'NotReadableError':
    case 'AbortError':
      return 'busy';
    default:
      return 'other';
  }
}

export class AudioCapture {
  /**
   * @param {{onChunk: (pcm: ArrayBuffer) => void, onLevel: (level: number) => void,
   *          permissionTimeoutMs?: number}} options
   */
  constructor({ onChunk, onLevel, permissionTimeoutMs = PERMISSION_TIMEOUT_MS }) {
    this.onChunk = onChunk;
    this.onLevel = onLevel;
    this.permissionTimeoutMs = permissionTimeoutMs;
    /** @type {MediaStream|null} */
    this.stream = null;
    /** @type {AudioContext|null} */
    this.context = null;
    /** @type {AudioWorkletNode|null} */
    this.node = null;
    this.muted = false;
    /** Bumped by every start and stop: a late answer from an older start is thrown away. */
    this.generation = 0;
  }

  /**
   * Ask for the microphone and start producing chunks.
   * @returns {Promise<CaptureResult>}
   */
  async start() {
    this.stop();
    const generation = ++this.generation;
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia || !window.AudioWorkletNode) {
      return { ok: false, problem: 'unsupported', message: '' };
    }
    /** @type {MediaStream} */
    let stream;
    try {
      stream = await this.requestStream(generation);
    } catch (error) {
      /** @type {CaptureProblem} */
      let problem = classifyMediaError(error);
      if (error === TIMED_OUT) problem = 'timeout';
      if (error === STOPPED || generation !== this.generation) problem = 'stopped';
      return { ok: false, problem, message: error instanceof Error ? error.message : '' };
    }
    if (generation !== this.generation) {
      stopTracks(stream);
      return { ok: false, problem: 'stopped', message: '' };
    }
    this.stream = stream;
    try {
      await this.startGraph(stream, generation);
    } catch (error) {
      if (generation === this.generation) this.stop();
      return { ok: false, problem: 'other', message: error instanceof Error ? error.message : String(error) };
    }
    if (generation !== this.generation) return { ok: false, problem: 'stopped', message: '' };
    return { ok: true };
  }

  /**
   * getUserMedia, raced against a timeout. A stream granted after the timeout, or after
   * stop(), is stopped at once so the microphone never stays open behind the user's back.
   * @param {number} generation
   * @returns {Promise<MediaStream>}
   */
  requestStream(generation) {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(TIMED_OUT);
      }, this.permissionTimeoutMs);
      navigator.mediaDevices.getUserMedia(CONSTRAINTS).then(
        (stream) => {
          clearTimeout(timer);
          if (settled || generation !== this.generation) {
            stopTracks(stream);
            if (!settled) reject(STOPPED);
            return;
          }
          settled = true;
          resolve(stream);
        },
        (error) => {
          clearTimeout(timer);
          if (!settled) {
            settled = true;
            reject(error);
          }
        },
      );
    });
  }

  /**
   * @param {MediaStream} stream
   * @param {number} generation
   */
  async startGraph(stream, generation) {
    const context = new AudioContext();
    this.context = context;
    await context.audioWorklet.addModule(WORKLET_URL);
    if (generation !== this.generation) return;
    const source = context.createMediaStreamSource(stream);
    // No outputs: the node is a sink, so the microphone is never played back.
    const node = new AudioWorkletNode(context, 'pcm-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    node.port.onmessage = (message) => {
      if (generation !== this.generation) return;
      const { pcm, level } = message.data;
      this.onLevel(this.muted ? 0 : level);
      if (!this.muted) this.onChunk(pcm);
    };
    source.connect(node);
    this.node = node;
    if (context.state === 'suspended') await context.resume();
  }

  /** @param {boolean} muted */
  setMuted(muted) {
    this.muted = muted;
    for (const track of this.stream?.getAudioTracks() ?? []) track.enabled = !muted;
    if (muted) this.onLevel(0);
  }

  /** Release the microphone now, including a request still waiting for the user. */
  stop() {
    this.generation++;
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.disconnect();
      this.node = null;
    }
    if (this.context) {
      this.context.close().catch(() => {});
      this.context = null;
    }
    if (this.stream) {
      stopTracks(this.stream);
      this.stream = null;
    }
    this.onLevel(0);
  }
}

const TIMED_OUT = new Error('The microphone permission prompt was not answered.');
const STOPPED = new Error('Capture was stopped before the microphone was granted.');

/** @param {MediaStream} stream */
function stopTracks(stream) {
  for (const track of stream.getTracks()) track.stop();
}
