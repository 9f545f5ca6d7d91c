// The live session page: wires the state machine (state.js) to the DOM, the microphone
// (audio-capture.js) and the socket (socket.js). Every event goes through `dispatch`; the
// page renders from the resulting state and runs the side effects its changes call for.

import { AudioCapture } from './audio-capture.js';
import { InterviewSocket } from './socket.js';
import { renderSession } from './render.js';
import {
  initialState,
  retryDelayMs,
  transition,
  wantsMicrophone,
  wantsSocket,
} from './state.js';
import { TranscriptDisplay } from './transcript-display.js';
import { InterviewerVoice } from './voice.js';

/** @typedef {import('./state.js').SessionState} SessionState */
/** @typedef {import('./state.js').SessionEvent} SessionEvent */
/** @typedef {import('./state.js').PermissionState} PermissionState */

/** How often the header clock is brought up to date. */
const TICK_MS = 250;
/** After EndRequest, go to the feedback page even if SessionEnded never arrives. */
const END_TIMEOUT_MS = 10_000;
/** localStorage key of the interviewer volume and mute, kept across sessions. */
const VOICE_PREFS_KEY = 'interview-coach.interviewer-voice';

const root = /** @type {HTMLElement} */ (document.querySelector('[data-page="session"]'));
const interviewId = root.dataset.interviewId ?? '';
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** @type {SessionState} */
let state = initialState(interviewId, Number(root.dataset.durationSeconds ?? 0));
const transcript = new TranscriptDisplay(root);
const levelBar = /** @type {HTMLElement} */ (root.querySelector('[data-level-bar]'));

const capture = new AudioCapture({
  onChunk: (pcm) => {
    if (state.phase === 'live') socket.sendAudio(pcm);
  },
  onLevel: showLevel,
});
const voice = new InterviewerVoice({ root, dispatch, accepting: () => state.phase === 'live' });
const socket = new InterviewSocket({
  interviewId,
  csrfToken,
  fallbackUrl: root.dataset.realtimeUrl ?? '',
  onEvent: (event) => voice.handle(event),
});

/** @type {ReturnType<typeof setInterval>|null} */
let ticker = null;
/** @type {ReturnType<typeof setTimeout>|null} */
let retryTimer = null;
/** @type {ReturnType<typeof setTimeout>|null} */
let endTimer = null;

/**
 * Feed one event to the state machine; re-render and run effects when it changed anything.
 * @param {SessionEvent} event
 */
function dispatch(event) {
  const previous = state;
  const next = transition(previous, event);
  if (next === previous) return;
  state = next;
  renderSession(root, next, previous, transcript);
  runEffects(next, previous);
}

/**
 * Side effects follow from what changed between two states, never from the event itself,
 * so each one runs once however many events lead there (a double click ends once).
 * @param {SessionState} next
 * @param {SessionState} previous
 */
function runEffects(next, previous) {
  if (next.phase === 'left') {
    stopEverything();
    return;
  }
  if (next.phase === 'requestingPermissions' && previous.phase !== 'requestingPermissions') {
    requestMicrophone();
  }
  if (wantsMicrophone(previous) && !wantsMicrophone(next)) capture.stop();
  if (next.muted !== previous.muted) capture.setMuted(next.muted);
  if (next.interviewerVolume !== previous.interviewerVolume || next.interviewerMuted !== previous.interviewerMuted) {
    voice.setVolume(next.interviewerVolume, next.interviewerMuted);
    saveVoicePrefs(next);
  }
  // The interviewer falls silent at once when the call stops (End while it speaks, a drop).
  if (previous.phase === 'live' && next.phase !== 'live') voice.stop();

  if (next.phase === 'connecting' && previous.phase !== 'connecting') socket.connect();
  if (next.phase === 'reconnecting' && (previous.phase !== 'reconnecting' || next.attempt !== previous.attempt)) {
    scheduleReconnect(next.attempt);
  }
  if (next.endRequested && !previous.endRequested) {
    socket.sendEnd();
    endTimer = setTimeout(() => dispatch({ type: 'endTimedOut' }), END_TIMEOUT_MS);
  }
  if (wantsSocket(previous) && !wantsSocket(next)) {
    cancelReconnect();
    socket.close();
  }
  if (next.redirectTo && !previous.redirectTo) {
    window.location.assign(next.redirectTo);
  }

  const clockRuns = next.phase === 'live' || next.phase === 'reconnecting';
  if (clockRuns && ticker === null) {
    ticker = setInterval(() => dispatch({ type: 'tick', now: Date.now() }), TICK_MS);
  } else if (!clockRuns && ticker !== null) {
    clearInterval(ticker);
    ticker = null;
  }
}

async function requestMicrophone() {
  const result = await capture.start();
  if (result.ok) {
    dispatch({ type: 'micGranted' });
    if (state.phase !== 'connecting') capture.stop(); // the page moved on meanwhile
  } else if (result.problem === 'denied') {
    dispatch({ type: 'micDenied' });
  } else if (result.problem !== 'stopped') {
    dispatch({ type: 'micFailed', problem: result.problem });
  }
}

/** @param {number} attempt */
function scheduleReconnect(attempt) {
  cancelReconnect();
  retryTimer = setTimeout(() => {
    retryTimer = null;
    if (state.phase === 'reconnecting') socket.connect();
  }, retryDelayMs(attempt, Math.random()));
}

function cancelReconnect() {
  if (retryTimer !== null) clearTimeout(retryTimer);
  retryTimer = null;
}

/** Close the socket and release the microphone: the page is going away. */
function stopEverything() {
  cancelReconnect();
  if (ticker !== null) clearInterval(ticker);
  if (endTimer !== null) clearTimeout(endTimer);
  ticker = null;
  endTimer = null;
  socket.close();
  capture.stop();
  voice.close();
}

/** @param {SessionState} current */
function saveVoicePrefs(current) {
  try {
    const prefs = { volume: current.interviewerVolume, muted: current.interviewerMuted };
    localStorage.setItem(VOICE_PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Storage can be full or disabled; the controls still work for this visit.
  }
}

function restoreVoicePrefs() {
  try {
    const prefs = JSON.parse(localStorage.getItem(VOICE_PREFS_KEY) ?? 'null');
    if (typeof prefs?.volume === 'number') dispatch({ type: 'interviewerVolumeChanged', volume: prefs.volume });
    if (prefs?.muted === true) dispatch({ type: 'interviewerMuteToggled' });
  } catch {
    // Unreadable: keep the defaults.
  }
}

/**
 * Meter position for a peak sample level: -60 dBFS and below is empty, 0 dBFS is full.
 * @param {number} peak  0..1
 */
function showLevel(peak) {
  const db = peak > 0 ? 20 * Math.log10(peak) : -Infinity;
  const fraction = Math.max(0, Math.min(1, (db + 60) / 60));
  levelBar.style.transform = `scaleX(${fraction.toFixed(3)})`;
}

/** @returns {Promise<PermissionState>} */
async function queryMicrophonePermission() {
  try {
    const status = await navigator.permissions.query({ name: /** @type {PermissionName} */ ('microphone') });
    status.addEventListener('change', () => {
      dispatch({ type: 'permissionChanged', permission: /** @type {PermissionState} */ (status.state) });
    });
    return /** @type {PermissionState} */ (status.state);
  } catch {
    return 'unknown'; // Not every browser knows the "microphone" permission name.
  }
}

/** @returns {Promise<{id: string, jobTitle: string}|null>} */
async function fetchCurrentInterview() {
  const response = await fetch('/api/interviews/current', {
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (!response.ok) {
    const error = new Error(`GET /api/interviews/current answered ${response.status}`);
    throw Object.assign(error, { status: response.status });
  }
  const current = await response.json();
  return current ? { id: String(current.id), jobTitle: String(current.job_title ?? '') } : null;
}

async function load() {
  try {
    const [current, permission] = await Promise.all([fetchCurrentInterview(), queryMicrophonePermission()]);
    dispatch({ type: 'loaded', current, permission });
  } catch (error) {
    const status = Number(/** @type {{status?: number}} */ (error).status ?? 0);
    dispatch({ type: 'loadFailed', status, message: error instanceof Error ? error.message : '' });
  }
}

function bindControls() {
  root.addEventListener('click', (click) => {
    const target = /** @type {HTMLElement} */ (click.target);
    const button = target.closest('[data-action]');
    if (!(button instanceof HTMLButtonElement) || button.disabled) return;
    switch (button.dataset.action) {
      case 'start':
      case 'retry-microphone':
        voice.unlock(); // inside the click: browsers allow audio to start only from a gesture
        dispatch({ type: 'startClicked' });
        break;
      case 'interviewer-mute':
        dispatch({ type: 'interviewerMuteToggled' });
        break;
      case 'mute':
        dispatch({ type: 'muteToggled' });
        break;
      case 'toggle-transcript':
        dispatch({ type: 'transcriptToggled' });
        break;
      case 'end':
        dispatch({ type: 'endClicked' });
        break;
      case 'reload':
        window.location.reload();
        break;
      default:
        break;
    }
  });
  root.querySelector('[data-interviewer-volume]')?.addEventListener('input', (input) => {
    const volume = Number(/** @type {HTMLInputElement} */ (input.target).value);
    dispatch({ type: 'interviewerVolumeChanged', volume });
  });
  // Leaving (or a tab discarded into the back-forward cache) closes the socket and frees the
  // microphone, also while the permission prompt is still open.
  window.addEventListener('pagehide', () => dispatch({ type: 'pageLeft' }));
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) window.location.reload();
  });
}

bindControls();
renderSession(root, state, null, transcript);
restoreVoicePrefs();
load();
