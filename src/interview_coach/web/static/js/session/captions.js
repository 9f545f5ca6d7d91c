// Captions in step with the interviewer's voice.
//
// The server sends each sentence's PartialTranscript just before that sentence's audio, and
// the audio then plays some 150 ms or more later (jitter buffer, then real time). Shown as
// it arrives, the text would run a sentence ahead of the voice. So interviewer lines pass
// through this gate: a partial is let through when the playhead reaches the audio queued
// after it, the final once the utterance's audio has played out. Text with no audio to
// follow (muted, audio unavailable, a text-only engine) is let through after NO_AUDIO_MS
// at most. No DOM, no clock of its own: the page passes `now` and the player's counts.

/** @typedef {import('./state.js').SessionEvent} SessionEvent */
/** @typedef {Extract<SessionEvent, {type: 'transcript'}>} TranscriptEvent */

/** Show a line anyway when no audio for it has come (or played) this long after it. */
export const NO_AUDIO_MS = 1000;

/**
 * @typedef {object} PlaybackView  what the gate needs to know about the player
 * @property {(id: string) => number} queuedOf  samples of that utterance handed to the player
 * @property {(id: string) => number} playedOf  samples of it played so far
 * @property {() => boolean} audible  whether audio is coming out now (running, not muted)
 * @property {() => number} rate  samples per second
 */

/**
 * @typedef {object} Held
 * @property {TranscriptEvent} event
 * @property {number} marker  samples of the utterance queued when the text arrived
 * @property {number} deadlineMs  let it through by then whatever the playhead says
 */

/**
 * The sentence a partial adds to the one before it (captions show the newest sentence).
 * @param {string} previous  the utterance's text shown so far
 * @param {string} text  the new text of the line so far
 * @returns {string}
 */
export function newestSentence(previous, text) {
  if (previous && text.startsWith(previous)) {
    const added = text.slice(previous.length).trim();
    if (added) return added;
  }
  return text.trim();
}

export class CaptionGate {
  /** @param {PlaybackView} playback */
  constructor(playback) {
    this.playback = playback;
    /** @type {Held[]} in arrival order */
    this.held = [];
    /** @type {Set<string>} utterances cut by barge-in: their text passes at once */
    this.cleared = new Set();
    /** A whole line finished without audio: the engine speaks text only, do not wait. */
    this.textOnly = false;
  }

  /**
   * A transcript event from the server; returns the events to show now (in order).
   * @param {TranscriptEvent} event
   * @param {number} now
   * @returns {TranscriptEvent[]}
   */
  offer(event, now) {
    if (event.speaker !== 'AI') return [event];
    const queued = this.playback.queuedOf(event.id);
    if (queued > 0) this.textOnly = false;
    const played = this.playback.playedOf(event.id);
    const behindMs = (Math.max(0, queued - played) / this.playback.rate()) * 1000;
    this.held.push({ event, marker: queued, deadlineMs: now + NO_AUDIO_MS + behindMs });
    const released = this.update(now);
    if (event.isFinal && queued === 0 && !this.cleared.has(event.id)) this.textOnly = true;
    return released;
  }

  /**
   * Playback moved on or time passed: the held events that may show now.
   * @param {number} now
   * @returns {TranscriptEvent[]}
   */
  update(now) {
    /** @type {TranscriptEvent[]} */
    const released = [];
    /** @type {Set<string>} an utterance's later text never overtakes its earlier text */
    const blocked = new Set();
    this.held = this.held.filter((item) => {
      const id = item.event.id;
      if (!blocked.has(id) && this.mayShow(item, now)) {
        released.push(item.event);
        return false;
      }
      blocked.add(id);
      return true;
    });
    return released;
  }

  /**
   * @param {Held} item
   * @param {number} now
   * @returns {boolean}
   */
  mayShow(item, now) {
    const { event, marker } = item;
    const queued = this.playback.queuedOf(event.id);
    if (this.cleared.has(event.id) || now >= item.deadlineMs) return true;
    if (queued === 0 && (event.isFinal || this.textOnly)) return true; // nothing to wait for
    if (!this.playback.audible()) return true; // nobody hears it: the text is all they get
    const played = this.playback.playedOf(event.id);
    return event.isFinal ? played >= marker : played > marker;
  }

  /** Whether anything waits (the page polls `update` only then). */
  get waiting() {
    return this.held.length > 0;
  }

  /**
   * Barge-in: the utterance's held text is dropped (its caption stops where it is) and its
   * later text (the final with only what was heard) passes straight through.
   * @param {string} id
   */
  clear(id) {
    this.cleared.add(id);
    this.held = this.held.filter((item) => item.event.id !== id);
  }

  /** A new connection: the server resends or restarts every line. */
  reset() {
    this.held = [];
  }
}
