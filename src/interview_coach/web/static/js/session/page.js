// The live session page: wires the state machine (state.js) to the DOM, the microphone
// (audio-capture.js) and the socket (socket.js). Every event goes through `dispatch`; the
// page renders from the resulting state and runs the side effects its changes call for.

import { AudioCapture } from './audio-capture.js';
import { InterviewSocket } from './socket.js';
import { renderSession } from './render.js';
import {
  clockRuns,
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
/** How long a tab waits on load for another tab to say it has this interview live. */
const ELSEWHERE_PROBE_MS = 300;
/** sessionStorage key: this tab chose to take the interview over from another tab. */
const TAKE_OVER_KEY = 'interview-coach-take-over';

const root = /** @type {HTMLElement} */ (document.querySelector('[data-page="session"]'));
const interviewId = root.dataset.interviewId ?? '';
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

const transcript = new TranscriptDisplay(root);
/** @type {SessionState} */
let state = initialState(interviewId, Number(root.dataset.durationSeconds ?? 0), {
  elapsedSeconds: Number(root.dataset.elapsedSeconds ?? 0),
  transcript: transcript.shown,
  now: Date.now(),
});
/** Tabs of this browser tell each other which interview they have live (see load()). */
const tabs = 'BroadcastChannel' in window ? new BroadcastChannel('interview-coach-session') : null;
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
  if (next.phase === 'live' && previous.phase !== 'live') tabs?.postMessage({ type: 'here', interviewId });
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
    // Replace, so Back from the feedback does not return to a finished session.
    window.location.replace(next.redirectTo);
  }

  const clockCounts = clockRuns(next);
  if (clockCounts && ticker === null) {
    ticker = setInterval(() => dispatch({ type: 'tick', now: Date.now() }), TICK_MS);
  } else if (!clockCounts && ticker !== null) {
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

/**
 * @param {string} path
 * @returns {Promise<any>}
 */
async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) {
    const error = new Error(`GET ${path} answered ${response.status}`);
    throw Object.assign(error, { status: response.status });
  }
  return response.json();
}

/** @returns {Promise<{id: string, jobTitle: string}|null>} */
async function fetchCurrentInterview() {
  const current = await getJson('/api/interviews/current');
  return current ? { id: String(current.id), jobTitle: String(current.job_title ?? '') } : null;
}

/**
 * This interview's own status, checked on every load: a page shown again from the cache
 * (Back after End) must not offer to start a finished interview.
 * @returns {Promise<string>}
 */
async function fetchStatus() {
  const interview = await getJson(`/api/interviews/${encodeURIComponent(interviewId)}`);
  return String(interview.status ?? '');
}

/**
 * Ask the other tabs whether one has this interview live; false after a short wait, and at
 * once when this tab was reloaded to take the interview over ("Use this tab instead").
 * @returns {Promise<boolean>}
 */
function probeOtherTabs() {
  const takingOver = sessionStorage.getItem(TAKE_OVER_KEY) === interviewId;
  sessionStorage.removeItem(TAKE_OVER_KEY);
  if (tabs === null || takingOver) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), ELSEWHERE_PROBE_MS);
    /** @param {MessageEvent} message */
    function onMessage(message) {
      if (message.data?.type === 'here' && message.data.interviewId === interviewId) finish(true);
    }
    /** @param {boolean} found */
    function finish(found) {
      clearTimeout(timer);
      tabs?.removeEventListener('message', onMessage);
      resolve(found);
    }
    tabs.addEventListener('message', onMessage);
    tabs.postMessage({ type: 'ask', interviewId });
  });
}

/** Answer other tabs' questions; hear a tab that goes live with this interview later. */
function listenToOtherTabs() {
  tabs?.addEventListener('message', (message) => {
    const data = message.data ?? {};
    if (data.interviewId !== interviewId) return;
    if (data.type === 'ask' && wantsSocket(state)) tabs.postMessage({ type: 'here', interviewId });
    if (data.type === 'here') dispatch({ type: 'openElsewhere' });
  });
}

async function load() {
  try {
    const [current, permission, status, openElsewhere] = await Promise.all([
      fetchCurrentInterview(), queryMicrophonePermission(), fetchStatus(), probeOtherTabs(),
    ]);
    dispatch({ type: 'loaded', current, permission, status, openElsewhere });
    if (state.phase === 'requestingPermissions') unlockAudioOnFirstGesture();
  } catch (error) {
    const status = Number(/** @type {{status?: number}} */ (error).status ?? 0);
    dispatch({ type: 'loadFailed', status, message: error instanceof Error ? error.message : '' });
  }
}

/**
 * A rejoin without a click (after a reload, microphone already allowed) has no gesture for
 * the browser to start audio with: try now, and again at the first click or key press.
 */
function unlockAudioOnFirstGesture() {
  voice.unlock();
  const unlock = () => voice.unlock();
  for (const type of ['pointerdown', 'keydown']) {
    document.addEventListener(type, unlock, { once: true, capture: true });
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
        // "Use this tab instead": the reload takes the interview over without asking again.
        if (state.error?.kind === 'replaced') sessionStorage.setItem(TAKE_OVER_KEY, interviewId);
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
listenToOtherTabs();
renderSession(root, state, null, transcript);
restoreVoicePrefs();
load();
