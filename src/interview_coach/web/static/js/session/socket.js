// The spec's `useInterviewSocket`: ticket, WebSocket, StartRequest on open, and server
// messages turned into state-machine events. It speaks the canonical proto3 JSON mapping
// of proto/interview.proto over text frames (lowerCamelCase names, enums as names, int64 as
// strings, bytes as base64, default values omitted).
//
// One `connect()` is one attempt. Retrying is the state machine's decision (state.js); this
// module only reports what happened. Events from an older attempt are dropped.

import { SAMPLE_RATE_HERTZ } from './audio-capture.js';

/** @typedef {import('./state.js').SessionEvent} SessionEvent */

/** Drop microphone chunks rather than queue them when the network is this far behind. */
const MAX_BUFFERED_BYTES = 64 * 1024;

/**
 * Parse one text frame from the server into an event, or null for messages the page does
 * not act on (unknown payloads). Interviewer audio and PlaybackCleared become events too;
 * page.js routes them to the player (voice.js), not the state machine.
 * @param {string} text
 * @param {number} now  wall-clock ms when it arrived
 * @returns {SessionEvent|null}
 */
export function decodeServerMessage(text, now) {
  /** @type {Record<string, any>} */
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return null;
  }
  if (!message || typeof message !== 'object') return null;
  if (message.startResponse) {
    const start = message.startResponse;
    return {
      type: 'started',
      durationSeconds: Number(start.durationSeconds ?? 0),
      elapsedMs: Number(start.elapsedMs ?? 0),
      resumed: Boolean(start.resumed),
      now,
      aiSampleRateHertz: Number(start.aiSampleRateHertz ?? 0),
      interviewerEngine: String(start.interviewerEngine ?? ''),
    };
  }
  if (message.audioChunk) {
    const chunk = message.audioChunk;
    return { type: 'audio', id: String(chunk.utteranceId ?? ''), audioContent: String(chunk.audioContent ?? '') };
  }
  if (message.playbackCleared) {
    const cleared = message.playbackCleared;
    return { type: 'playbackCleared', id: String(cleared.utteranceId ?? ''), heardMs: Number(cleared.heardMs ?? 0) };
  }
  if (message.sessionNotice) {
    const kind = String(message.sessionNotice.kind ?? '');
    return {
      type: 'notice',
      kind: ['TRANSCRIPT_DELAYED', 'TRANSCRIPT_CAUGHT_UP', 'ENGINE_FALLBACK'].includes(kind)
        ? /** @type {import('./state.js').NoticeKind} */ (kind) : 'UNKNOWN',
      message: String(message.sessionNotice.message ?? ''),
    };
  }
  if (message.partialTranscript) {
    const part = message.partialTranscript;
    return {
      type: 'transcript',
      id: String(part.utteranceId ?? ''),
      speaker: part.speaker === 'USER' || part.speaker === 'AI' ? part.speaker : 'UNKNOWN',
      text: String(part.text ?? ''),
      isFinal: Boolean(part.isFinal),
      offsetMs: Number(part.offsetMs ?? 0),
    };
  }
  if (message.interviewerStatus) {
    const state = message.interviewerStatus.state;
    return {
      type: 'interviewerStatus',
      state: state === 'LISTENING' || state === 'THINKING' || state === 'SPEAKING' ? state : null,
    };
  }
  if (message.sessionEnded) {
    return {
      type: 'sessionEnded',
      reason: String(message.sessionEnded.reason ?? 'REASON_UNSPECIFIED'),
      message: String(message.sessionEnded.message ?? ''),
    };
  }
  if (message.error) {
    return {
      type: 'serverError',
      code: Number(message.error.code ?? 0),
      message: String(message.error.message ?? ''),
    };
  }
  return null;
}

/**
 * @param {ArrayBuffer} buffer
 * @returns {string}
 */
export function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The message text of an API error body (`{"error": {"message": ...}}`), if any.
 * @param {Response} response
 * @returns {Promise<string>}
 */
async function errorMessage(response) {
  try {
    const body = await response.json();
    return String(body?.error?.message ?? '');
  } catch {
    return '';
  }
}

export class InterviewSocket {
  /**
   * @param {{interviewId: string, csrfToken: string, fallbackUrl: string,
   *          onEvent: (event: SessionEvent) => void}} options
   */
  constructor({ interviewId, csrfToken, fallbackUrl, onEvent }) {
    this.interviewId = interviewId;
    this.csrfToken = csrfToken;
    this.fallbackUrl = fallbackUrl;
    this.onEvent = onEvent;
    /** @type {WebSocket|null} */
    this.socket = null;
    this.attempt = 0;
    this.endSent = false;
  }

  /** Start one connection attempt: fresh ticket, new socket, StartRequest when it opens. */
  async connect() {
    this.close();
    const attempt = this.attempt;
    /** @type {{token: string, realtime_url?: string}} */
    let ticket;
    try {
      const response = await fetch(`/api/interviews/${encodeURIComponent(this.interviewId)}/ticket`, {
        method: 'POST',
        headers: { 'X-CSRF-Token': this.csrfToken, Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (attempt !== this.attempt) return;
      if (response.status >= 400 && response.status < 500) {
        this.onEvent({ type: 'ticketRejected', status: response.status, message: await errorMessage(response) });
        return;
      }
      if (!response.ok) throw new Error(`ticket request failed with ${response.status}`);
      ticket = await response.json();
    } catch {
      // Offline or the web app is restarting: the same as a dropped socket.
      if (attempt === this.attempt) this.onEvent({ type: 'disconnected', code: 0, now: Date.now() });
      return;
    }
    if (attempt !== this.attempt) return;
    this.open(ticket.realtime_url || this.fallbackUrl, ticket.token, attempt);
  }

  /**
   * @param {string} url
   * @param {string} token
   * @param {number} attempt
   */
  open(url, token, attempt) {
    /** @type {WebSocket} */
    let socket;
    try {
      socket = new WebSocket(url);
    } catch {
      this.onEvent({ type: 'disconnected', code: 0, now: Date.now() });
      return;
    }
    this.socket = socket;
    this.endSent = false;
    const current = () => attempt === this.attempt;
    socket.addEventListener('open', () => {
      if (!current()) return;
      this.send({
        startRequest: {
          authToken: token,
          interviewId: this.interviewId,
          audioConfig: { encoding: 'LINEAR_PCM', sampleRateHertz: SAMPLE_RATE_HERTZ },
        },
      });
    });
    socket.addEventListener('message', (message) => {
      if (!current() || typeof message.data !== 'string') return;
      const event = decodeServerMessage(message.data, Date.now());
      if (event) this.onEvent(event);
    });
    // A socket error is always followed by a close event, which is where we report it.
    socket.addEventListener('close', (close) => {
      if (!current()) return;
      this.socket = null;
      this.onEvent({ type: 'disconnected', code: close.code, now: Date.now() });
    });
  }

  /** @param {object} message */
  send(message) {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Send one microphone chunk if the socket can take it now.
   * @param {ArrayBuffer} pcm  16 kHz PCM16LE mono
   */
  sendAudio(pcm) {
    if (!this.socket || this.socket.bufferedAmount > MAX_BUFFERED_BYTES) return false;
    return this.send({ audioChunk: { audioContent: toBase64(pcm) } });
  }

  /** Ask the server to end the interview; at most once per connection. */
  sendEnd() {
    if (this.endSent) return false;
    this.endSent = this.send({ endRequest: {} });
    return this.endSent;
  }

  /** Close without reporting it: the page decided to, so it is not a drop. */
  close() {
    this.attempt++;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'client closed');
  }
}
