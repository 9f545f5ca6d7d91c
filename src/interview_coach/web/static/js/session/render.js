// Renders a SessionState into the server-rendered shell (templates/session.html). It only
// shows, hides and fills parts that are already there; the words live in the template.

import { TIME_WARNING_SECONDS, secondsLeft, shownAiStatus } from './state.js';
import { renderVoice } from './voice-render.js';

/** @typedef {import('./state.js').SessionState} SessionState */
/** @typedef {import('./transcript-display.js').TranscriptDisplay} TranscriptDisplay */

const AI_STATUS_TEXT = { LISTENING: 'Listening', THINKING: 'Thinking…', SPEAKING: 'Speaking' };

const CONNECTION_TEXT = {
  offline: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

/** Phases that show the call area (controls and transcript). */
const LIVE_AREA_PHASES = ['connecting', 'live', 'reconnecting', 'ending'];

/** What screen readers hear when the page enters a phase with no heading to move to. */
const ANNOUNCEMENTS = {
  live: 'You are live. The interviewer can hear you.',
  reconnecting: 'Connection lost. Reconnecting…',
};

/**
 * Seconds as mm:ss (minutes keep counting past 59: "60:00").
 * @param {number} seconds
 * @returns {string}
 */
export function formatClock(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(whole / 60);
  return `${String(minutes).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * @param {SessionState} state
 * @returns {keyof typeof CONNECTION_TEXT}
 */
function connectionOf(state) {
  switch (state.phase) {
    case 'connecting':
      return 'connecting';
    case 'live':
    case 'ending':
      return state.redirectTo ? 'closed' : 'connected';
    case 'reconnecting':
      return 'reconnecting';
    case 'error':
      return state.everLive ? 'closed' : 'offline';
    default:
      return 'offline';
  }
}

/**
 * @param {ParentNode} scope
 * @param {string} attribute  data attribute name without the "data-" prefix
 * @param {string} value  the one value to show; every other element with the attribute hides
 */
function showOnly(scope, attribute, value) {
  for (const element of scope.querySelectorAll(`[data-${attribute}]`)) {
    /** @type {HTMLElement} */ (element).hidden = element.getAttribute(`data-${attribute}`) !== value;
  }
}

/**
 * @param {HTMLElement} root
 * @param {string} selector
 * @returns {HTMLElement}
 */
function part(root, selector) {
  return /** @type {HTMLElement} */ (root.querySelector(selector));
}

/**
 * Whether to warn that time is nearly up.
 * @param {SessionState|null} state
 * @returns {boolean}
 */
function isWarning(state) {
  return state !== null && state.phase === 'live' && state.elapsedTime > 0
    && secondsLeft(state) <= TIME_WARNING_SECONDS;
}

/**
 * @param {HTMLElement} root
 * @param {SessionState} state
 */
function renderHeader(root, state) {
  part(root, '[data-elapsed]').textContent = formatClock(state.elapsedTime);
  part(root, '[data-time-left]').textContent = formatClock(secondsLeft(state));
  const warn = isWarning(state);
  part(root, '[data-time-left-item]').dataset.warning = String(warn);
  part(root, '[data-time-warning]').hidden = !warn;

  const ai = part(root, '[data-ai-status]');
  const aiStatus = shownAiStatus(state);
  ai.dataset.aiState = aiStatus ? aiStatus.toLowerCase() : 'idle';
  part(root, '[data-ai-status-text]').textContent = aiStatus ? AI_STATUS_TEXT[aiStatus] : 'Waiting';

  const connection = connectionOf(state);
  part(root, '[data-connection]').dataset.connectionState = connection;
  part(root, '[data-connection-text]').textContent = CONNECTION_TEXT[connection];
}

/**
 * @param {HTMLElement} root
 * @param {SessionState} state
 */
function renderPanels(root, state) {
  const panel = state.phase === 'live' || state.phase === 'reconnecting' ? '' : state.phase;
  showOnly(root, 'panel', panel);
  if (state.otherInterview) {
    part(root, '[data-other-title]').textContent = state.otherInterview.jobTitle;
    part(root, '[data-other-link]').setAttribute(
      'href', `/interview/${encodeURIComponent(state.otherInterview.id)}/session`,
    );
  }
  const readyPanel = part(root, '[data-panel="ready"]');
  showOnly(readyPanel, 'ready-variant', readyVariant(state));
  showOnly(readyPanel, 'permission-note', state.permission === 'granted' ? 'granted' : 'ask');
  showOnly(part(root, '[data-panel="microphoneError"]'), 'mic-problem', state.micProblem ?? 'other');
  const reason = state.endReason ?? 'USER_INITIATED';
  const known = ['USER_INITIATED', 'TIMEOUT', 'AI_INITIATED'].includes(reason);
  showOnly(part(root, '[data-panel="ending"]'), 'end-reason', known ? reason : 'OTHER');
  renderError(root, state);
}

/**
 * Which words the Ready panel uses: a new interview, a rejoin, or one live in another tab.
 * @param {SessionState} state
 * @returns {'new'|'rejoin'|'elsewhere'}
 */
function readyVariant(state) {
  if (state.openElsewhere) return 'elsewhere';
  return state.rejoin ? 'rejoin' : 'new';
}

/**
 * @param {HTMLElement} root
 * @param {SessionState} state
 */
function renderError(root, state) {
  const panel = part(root, '[data-panel="error"]');
  const error = state.error;
  showOnly(panel, 'error-kind', error?.kind ?? '');
  const message = part(panel, '[data-error-message]');
  message.textContent = error?.message ?? '';
  // Only where the server's words add something to ours.
  message.hidden = !error?.message || !['server', 'refused', 'ticket'].includes(error.kind);
  const kind = error?.kind ?? '';
  part(panel, '[data-error-action="signin"]').hidden = kind !== 'signedOut';
  part(panel, '[data-error-action="dashboard"]').hidden = kind === 'signedOut';
  part(panel, '[data-error-action="retry"]').hidden = kind === 'signedOut';
  showOnly(panel, 'retry-label', kind === 'replaced' ? 'replaced' : 'default');
}

/**
 * @param {HTMLElement} root
 * @param {SessionState} state
 * @param {TranscriptDisplay} transcript
 */
function renderCall(root, state, transcript) {
  // The saved transcript shows from the first paint of a rejoin, before any connection.
  const inCall = LIVE_AREA_PHASES.includes(state.phase);
  const showCall = inCall || (state.transcript.length > 0 && state.phase !== 'otherInterview');
  part(root, '[data-live]').hidden = !showCall;
  part(root, '[data-reconnecting]').hidden = state.phase !== 'reconnecting';
  part(root, '[data-attempt]').textContent = String(state.attempt);

  const active = ['connecting', 'live', 'reconnecting'].includes(state.phase);
  const controls = part(root, '.controls');
  controls.hidden = !inCall;
  const mute = /** @type {HTMLButtonElement} */ (part(root, '[data-action="mute"]'));
  mute.disabled = !active;
  // The label says what pressing does ("Unmute" while muted), so no aria-pressed as well.
  showOnly(mute, 'mute-text', state.muted ? 'unmute' : 'mute');
  mute.dataset.muted = String(state.muted);
  part(root, '[data-mic]').dataset.muted = String(state.muted);
  const micState = !active ? 'off' : state.muted ? 'muted' : 'on';
  showOnly(part(root, '[data-mic-state]'), 'mic-state-text', micState);
  /** @type {HTMLButtonElement} */ (part(root, '[data-action="end"]')).disabled = state.phase !== 'live';
  const toggle = /** @type {HTMLButtonElement} */ (part(root, '[data-action="toggle-transcript"]'));
  toggle.disabled = state.phase === 'ending';
  toggle.setAttribute('aria-expanded', String(!state.transcriptHidden));
  showOnly(toggle, 'transcript-toggle-text', state.transcriptHidden ? 'show' : 'hide');
  part(root, '[data-transcript-body]').hidden = state.transcriptHidden;
  part(root, '[data-transcript-hidden-note]').hidden = !state.transcriptHidden;
  renderCurrentQuestion(root, state);
  transcript.render(state.transcript);
}

/**
 * Hiding the transcript keeps the interviewer's latest line (the question being answered).
 * @param {HTMLElement} root
 * @param {SessionState} state
 */
function renderCurrentQuestion(root, state) {
  const latest = [...state.transcript].reverse().find((entry) => entry.speaker === 'AI');
  part(root, '[data-current-question]').hidden = !state.transcriptHidden || !latest;
  part(root, '[data-current-question-text]').textContent = latest?.text ?? '';
}

/**
 * Tell screen readers about changes that move no focus: going live, reconnecting, and the
 * time warning (the status region exists from the start, so the change is announced).
 * @param {HTMLElement} root
 * @param {SessionState} state
 * @param {SessionState|null} previous
 */
function announce(root, state, previous) {
  if (previous === null) return;
  let text = '';
  if (previous.phase !== state.phase) {
    text = ANNOUNCEMENTS[/** @type {keyof typeof ANNOUNCEMENTS} */ (state.phase)] ?? '';
  }
  if (isWarning(state) && !isWarning(previous)) {
    text = part(root, '[data-time-warning]').textContent?.replace(/\s+/g, ' ').trim() ?? '';
  }
  if (text) part(root, '[data-announcer]').textContent = text;
}

/**
 * After a phase change, put keyboard focus somewhere sensible if it was lost (the focused
 * button disappeared or was disabled): the heading of the panel now shown.
 * @param {HTMLElement} root
 * @param {SessionState} state
 * @param {SessionState|null} previous
 */
function manageFocus(root, state, previous) {
  if (previous === null || previous.phase === state.phase) return;
  const active = document.activeElement;
  // On first load focus stays where the browser put it; later, a vanished or disabled
  // button (Start, End) would drop keyboard users at the top of the page.
  const lost = previous.phase === 'initializing' ? false
    : !active || active === document.body || !(/** @type {HTMLElement} */ (active).offsetParent)
      || /** @type {HTMLButtonElement} */ (active).disabled;
  const headings = [...root.querySelectorAll('[data-panel-heading]')].filter(
    (heading) => /** @type {HTMLElement} */ (heading).offsetParent !== null,
  );
  const target = /** @type {HTMLElement|undefined} */ (headings[0]);
  if (state.phase === 'error' || state.phase === 'permissionsDenied' || state.phase === 'microphoneError') {
    target?.focus();
  } else if (lost) {
    (target ?? part(root, '[data-action="mute"]')).focus();
  }
}

/**
 * Bring the whole page in line with `state`.
 * @param {HTMLElement} root
 * @param {SessionState} state
 * @param {SessionState|null} previous  null on the first render
 * @param {TranscriptDisplay} transcript
 */
export function renderSession(root, state, previous, transcript) {
  if (state.phase === 'left') return;
  root.dataset.phase = state.phase;
  renderHeader(root, state);
  renderPanels(root, state);
  renderCall(root, state, transcript);
  renderVoice(root, state);
  announce(root, state, previous);
  manageFocus(root, state, previous);
}
