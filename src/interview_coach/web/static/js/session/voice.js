// The interviewer's voice on the page: routes the socket's events. Audio goes to the player
// (player.js), PlaybackCleared empties it, interviewer lines wait in the caption gate
// (captions.js) until the audio reaches them, and everything else goes straight to the
// state machine. Audio chunks (25 a second) never go through the state machine: they
// change nothing it shows; only "playing or not" does, as a `playback` event.

import { CaptionGate } from './captions.js';
import { VoicePlayer, fromBase64, gainFor } from './player.js';

/** @typedef {import('./state.js').SessionEvent} SessionEvent */
/** @typedef {import('./player.js').PlaybackProgress} PlaybackProgress */

/** How often held captions are re-checked while nothing else happens (timeouts). */
const CAPTION_POLL_MS = 100;

export class InterviewerVoice {
  /**
   * @param {{root: HTMLElement, dispatch: (event: SessionEvent) => void,
   *          accepting: () => boolean}} options  `accepting`: whether audio may play now
   */
  constructor({ root, dispatch, accepting }) {
    this.root = root;
    this.dispatch = dispatch;
    this.accepting = accepting;
    this.muted = false;
    this.player = new VoicePlayer({
      onProgress: (progress) => this.onProgress(progress),
      onCleared: (ack) => record({ acknowledged: ack.id, played: ack.totalPlayed, audible: ack.audible }),
    });
    this.gate = new CaptionGate({
      queuedOf: (id) => this.player.queuedOf(id),
      playedOf: (id) => this.player.playedOf(id),
      audible: () => this.player.running && !this.muted,
      rate: () => this.player.rate,
    });
    /** @type {ReturnType<typeof setInterval>|null} */
    this.poll = null;
  }

  /** Create the audio output; call from the Start click (browsers want a gesture). */
  unlock() {
    this.player.unlock();
  }

  /**
   * One event from the socket.
   * @param {SessionEvent} event
   */
  handle(event) {
    switch (event.type) {
      case 'audio':
        if (this.accepting()) this.player.enqueue(event.id, fromBase64(event.audioContent));
        this.release();
        break;
      case 'playbackCleared':
        this.player.clear(event.id);
        this.gate.clear(event.id);
        record({ cleared: event.id });
        break;
      case 'transcript':
        for (const shown of this.gate.offer(event, Date.now())) this.dispatch(shown);
        this.watch();
        break;
      case 'started':
        this.stop();
        this.player.setRate(event.aiSampleRateHertz ?? 0);
        this.dispatch(event);
        break;
      default:
        this.dispatch(event);
    }
  }

  /**
   * @param {number} volume  0..100
   * @param {boolean} muted
   */
  setVolume(volume, muted) {
    this.muted = muted;
    this.player.setGain(gainFor(volume, muted));
    this.release();
  }

  /** Silence at once and forget held lines: End, a drop, an error. */
  stop() {
    this.player.clear();
    this.gate.reset();
  }

  /** The page is going away. */
  close() {
    this.stop();
    this.player.close();
    this.unwatch();
  }

  /** @param {PlaybackProgress} progress */
  onProgress(progress) {
    // Test hooks: samples played, and samples that reached the output non-silent.
    this.root.dataset.interviewerPlayed = String(progress.totalPlayed);
    this.root.dataset.interviewerAudible = String(progress.audible);
    record({ played: progress.totalPlayed, audible: progress.audible });
    this.dispatch({ type: 'playback', playing: progress.playing });
    this.release();
  }

  /** Show what the playhead (or a timeout) now allows. */
  release() {
    if (!this.gate.waiting) return;
    for (const shown of this.gate.update(Date.now())) this.dispatch(shown);
    if (!this.gate.waiting) this.unwatch();
  }

  watch() {
    if (this.gate.waiting && this.poll === null) this.poll = setInterval(() => this.release(), CAPTION_POLL_MS);
  }

  unwatch() {
    if (this.poll !== null) clearInterval(this.poll);
    this.poll = null;
  }
}

/**
 * Browser tests set `window.__playbackLog = []` to get a timed record of playback.
 * @param {Record<string, unknown>} entry
 */
function record(entry) {
  const log = /** @type {{__playbackLog?: unknown[]}} */ (/** @type {unknown} */ (window)).__playbackLog;
  if (Array.isArray(log)) log.push({ t: performance.now(), ...entry });
}
