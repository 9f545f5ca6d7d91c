// The session page's state machine: one pure function `transition(state, event) -> state`.
//
// Nothing here touches the DOM, the network, the microphone or the clock: events carry the
// time they happened (`now`, milliseconds), and the page (page.js) turns state changes into
// side effects. docs/states.md draws the diagram; keep the two in step.

import { newestSentence } from './captions.js';

/**
 * @typedef {'initializing'|'otherInterview'|'ready'|'requestingPermissions'|'permissionsDenied'
 *   |'microphoneError'|'connecting'|'live'|'reconnecting'|'ending'|'error'|'left'} Phase
 * @typedef {'granted'|'denied'|'prompt'|'unknown'} PermissionState
 * @typedef {'notFound'|'busy'|'timeout'|'unsupported'|'other'} MicProblem
 * @typedef {'USER'|'AI'|'UNKNOWN'} SpeakerName
 * @typedef {'LISTENING'|'THINKING'|'SPEAKING'} AiStatus
 * @typedef {{id: string, speaker: SpeakerName, text: string, final: boolean, offsetMs: number}} Entry
 * @typedef {'server'|'refused'|'connectionLost'|'connectFailed'|'replaced'|'signedOut'|'ticket'|'load'} ErrorKind
 * @typedef {{kind: ErrorKind, message: string, code: number|null}} SessionError
 * @typedef {'TRANSCRIPT_DELAYED'|'TRANSCRIPT_CAUGHT_UP'|'ENGINE_FALLBACK'|'UNKNOWN'} NoticeKind
 *
 * @typedef {object} SessionState
 * @property {Phase} phase
 * @property {string} interviewId
 * @property {boolean} rejoin            this interview was already in progress on load
 * @property {boolean} openElsewhere     another tab of this browser has it live right now
 * @property {PermissionState} permission  what navigator.permissions said, if anything
 * @property {MicProblem|null} micProblem
 * @property {{id: string, jobTitle: string}|null} otherInterview
 * @property {Entry[]} transcript
 * @property {AiStatus|null} aiStatus
 * @property {number} elapsedTime        whole seconds since the interview first started
 * @property {number} durationSeconds
 * @property {number|null} clockBaseMs   wall-clock ms at which elapsedTime was zero
 * @property {boolean} muted
 * @property {boolean} transcriptHidden
 * @property {number} attempt            0 for the first connection, then one per retry
 * @property {number|null} retryDeadlineMs  give up reconnecting after this wall-clock ms
 * @property {boolean} everLive
 * @property {boolean} endRequested      the user pressed End (EndRequest sent once)
 * @property {string|null} endReason     SessionEnded.reason once the server ended it
 * @property {string|null} redirectTo    set when the page must navigate away
 * @property {SessionError|null} error
 * @property {string} interviewerEngine  StartResponse.interviewerEngine ('' if not said)
 * @property {boolean} playing           interviewer audio is coming out of the player now
 * @property {boolean} voiced            interviewer audio has played on this page
 * @property {number} interviewerVolume  0..100 (the slider; remembered by the page)
 * @property {boolean} interviewerMuted
 * @property {{id: string, text: string}|null} caption  the interviewer's newest sentence shown
 * @property {boolean} transcriptDelayed  SessionNotice TRANSCRIPT_DELAYED until CAUGHT_UP
 * @property {string} fallbackMessage    SessionNotice ENGINE_FALLBACK's words
 *
 * @typedef {{id: string, jobTitle: string}} CurrentInterview
 * @typedef {{elapsedSeconds: number, transcript: Entry[], now: number}} SavedProgress
 *
 * @typedef {{type: 'loaded', current: CurrentInterview|null, permission: PermissionState,
 *     status?: string, openElsewhere?: boolean}
 *   | {type: 'openElsewhere'}
 *   | {type: 'loadFailed', status: number, message: string}
 *   | {type: 'permissionChanged', permission: PermissionState}
 *   | {type: 'startClicked'}
 *   | {type: 'micGranted'}
 *   | {type: 'micDenied'}
 *   | {type: 'micFailed', problem: MicProblem}
 *   | {type: 'started', durationSeconds: number, elapsedMs: number, resumed: boolean, now: number,
 *      aiSampleRateHertz?: number, interviewerEngine?: string}
 *   | {type: 'transcript', id: string, speaker: SpeakerName, text: string, isFinal: boolean, offsetMs: number}
 *   | {type: 'interviewerStatus', state: AiStatus|null}
 *   | {type: 'tick', now: number}
 *   | {type: 'endClicked'}
 *   | {type: 'endTimedOut'}
 *   | {type: 'sessionEnded', reason: string, message: string}
 *   | {type: 'serverError', code: number, message: string}
 *   | {type: 'ticketRejected', status: number, message: string}
 *   | {type: 'disconnected', code: number, now: number}
 *   | {type: 'muteToggled'}
 *   | {type: 'transcriptToggled'}
 *   | {type: 'pageLeft'}
 *   | {type: 'audio', id: string, audioContent: string}
 *   | {type: 'playbackCleared', id: string, heardMs: number}
 *   | {type: 'playback', playing: boolean}
 *   | {type: 'notice', kind: NoticeKind, message: string}
 *   | {type: 'interviewerVolumeChanged', volume: number}
 *   | {type: 'interviewerMuteToggled'}} SessionEvent
 */

/** How long to keep trying after the connection drops before saying it is lost. */
export const RECONNECT_WINDOW_MS = 30_000;

/** Show the "time is nearly up" warning this many seconds before the end (WCAG 2.2.1). */
export const TIME_WARNING_SECONDS = 120;

/** WebSocket close code for "service restart": always worth reconnecting. */
export const CLOSE_SERVICE_RESTART = 1012;

/** Close code for a server fault; once live, the server asks us to reconnect after one. */
export const CLOSE_INTERNAL_ERROR = 1011;

/** Server `Error` code (and close code) for "the interview is already over". */
export const INTERVIEW_OVER = 4410;

/** Interview statuses after which the page only shows the feedback. */
const FINISHED_STATUSES = new Set(['COMPLETED', 'ERROR']);

/** Phases before going live in which a rejoined interview's clock keeps running. */
const REJOIN_CLOCK_PHASES = ['ready', 'requestingPermissions', 'permissionsDenied', 'microphoneError', 'connecting'];

/** Refusals a fresh ticket and a new attempt fix: expired ticket, StartRequest too late. */
const RETRY_WITH_NEW_TICKET = new Set([4402, 4408]);

/**
 * The state the page starts in.
 * @param {string} interviewId
 * @param {number} durationSeconds  the interview's chosen length, until the server says
 * @param {SavedProgress|null} [saved]  what the server rendered for an interview in progress
 * @returns {SessionState}
 */
export function initialState(interviewId, durationSeconds, saved = null) {
  const elapsedSeconds = Math.max(0, Math.floor(saved?.elapsedSeconds ?? 0));
  return {
    phase: 'initializing',
    interviewId,
    rejoin: false,
    openElsewhere: false,
    permission: 'unknown',
    micProblem: null,
    otherInterview: null,
    transcript: saved?.transcript ?? [],
    aiStatus: null,
    elapsedTime: elapsedSeconds,
    durationSeconds,
    clockBaseMs: saved && elapsedSeconds > 0 ? saved.now - elapsedSeconds * 1000 : null,
    muted: false,
    transcriptHidden: false,
    attempt: 0,
    retryDeadlineMs: null,
    everLive: false,
    endRequested: false,
    endReason: null,
    redirectTo: null,
    error: null,
    interviewerEngine: '',
    playing: false,
    voiced: false,
    interviewerVolume: 100,
    interviewerMuted: false,
    caption: null,
    transcriptDelayed: false,
    fallbackMessage: '',
  };
}

/**
 * What the header says the interviewer is doing: Speaking only while its audio actually
 * plays; while the server says SPEAKING but no sound has come out yet (the jitter buffer
 * filling), Thinking. An engine that never sent audio speaks in text, so its word stands.
 * @param {SessionState} state
 * @returns {AiStatus|null}
 */
export function shownAiStatus(state) {
  if (state.phase !== 'live') return state.aiStatus;
  if (state.playing) return 'SPEAKING';
  if (state.aiStatus === 'SPEAKING' && state.voiced) return 'THINKING';
  return state.aiStatus;
}

/**
 * The caption after an interviewer line changed: its newest sentence.
 * @param {SessionState} state
 * @param {Entry} entry
 * @returns {{id: string, text: string}|null}
 */
function captionAfter(state, entry) {
  if (entry.speaker !== 'AI' || entry.final) return state.caption;
  const before = state.transcript.find((existing) => existing.id === entry.id);
  return { id: entry.id, text: newestSentence(before?.text ?? '', entry.text) };
}

/**
 * Delay before reconnect attempt `attempt` (1-based): 0.5 s doubling to a 5 s ceiling.
 * `jitter` in [0, 1) spreads clients out after a server restart (0.5 means none).
 * @param {number} attempt
 * @param {number} [jitter]
 * @returns {number}
 */
export function retryDelayMs(attempt, jitter = 0.5) {
  const base = Math.min(500 * 2 ** Math.max(0, attempt - 1), 5000);
  return Math.round(base * (0.8 + 0.4 * jitter));
}

/**
 * Seconds left of the interview's duration, never negative.
 * @param {SessionState} state
 * @returns {number}
 */
export function secondsLeft(state) {
  return Math.max(0, state.durationSeconds - state.elapsedTime);
}

/**
 * Whether the microphone should be open in this state.
 * @param {SessionState} state
 * @returns {boolean}
 */
export function wantsMicrophone(state) {
  return ['connecting', 'live', 'reconnecting'].includes(state.phase) && state.error === null;
}

/**
 * Whether the header clock counts in this state: live, and before rejoining a running
 * interview (its time runs on the server whether or not this page is connected).
 * @param {SessionState} state
 * @returns {boolean}
 */
export function clockRuns(state) {
  if (state.phase === 'live' || state.phase === 'reconnecting') return true;
  return state.rejoin && state.clockBaseMs !== null && REJOIN_CLOCK_PHASES.includes(state.phase);
}

/**
 * Whether a socket should exist in this state (the page opens or closes it to match).
 * @param {SessionState} state
 * @returns {boolean}
 */
export function wantsSocket(state) {
  return ['connecting', 'live', 'reconnecting'].includes(state.phase)
    || (state.phase === 'ending' && state.redirectTo === null);
}

/**
 * @param {SessionState} state
 * @param {Partial<SessionState>} changes
 * @returns {SessionState}
 */
function update(state, changes) {
  return { ...state, ...changes };
}

/**
 * @param {SessionState} state
 * @param {SessionError} error
 * @returns {SessionState}
 */
function fail(state, error) {
  // Unfinished lines will never finish now; the saved (final) ones stay on screen.
  const transcript = state.transcript.filter((entry) => entry.final);
  return update(state, { phase: 'error', error, transcript, aiStatus: null, retryDeadlineMs: null });
}

/**
 * @param {SessionState} state
 * @returns {string}
 */
function feedbackUrl(state) {
  return `/interview/${encodeURIComponent(state.interviewId)}/feedback`;
}

/**
 * The interview is over: show its feedback. Without a reason it ended elsewhere (another
 * tab, the time limit, the grace period).
 * @param {SessionState} state
 * @param {string} [reason]  SessionEnded.reason
 * @returns {SessionState}
 */
function ended(state, reason = '') {
  return update(state, {
    phase: 'ending',
    endReason: reason || 'REASON_UNSPECIFIED',
    aiStatus: null,
    redirectTo: feedbackUrl(state),
  });
}

/**
 * Insert or replace one utterance. Partials of an utterance replace each other; a final
 * is never downgraded by a late partial; finals resent on rejoin replace themselves.
 * @param {Entry[]} transcript
 * @param {Entry} entry
 * @returns {Entry[]}
 */
export function upsertEntry(transcript, entry) {
  const index = transcript.findIndex((existing) => existing.id === entry.id);
  if (index === -1) return [...transcript, entry];
  if (transcript[index].final && !entry.final) return transcript;
  const copy = transcript.slice();
  copy[index] = entry;
  return copy;
}

/**
 * Utterances without an id (an older server) replace the newest unfinished line of the same
 * speaker, or start a new one; they never pile up.
 * @param {Entry[]} transcript
 * @param {SpeakerName} speaker
 * @returns {string}
 */
function idForAnonymous(transcript, speaker) {
  const open = [...transcript].reverse().find((e) => !e.final && e.speaker === speaker);
  return open ? open.id : `local-${speaker}-${transcript.length}`;
}

/**
 * @param {SessionState} state
 * @param {number} now
 * @returns {number}
 */
function elapsedAt(state, now) {
  if (state.clockBaseMs === null) return state.elapsedTime;
  return Math.max(0, Math.floor((now - state.clockBaseMs) / 1000));
}

/**
 * The one place that decides what happens next.
 * @param {SessionState} state
 * @param {SessionEvent} event
 * @returns {SessionState}  the same object when the event changes nothing
 */
export function transition(state, event) {
  if (state.phase === 'left') return state;
  switch (event.type) {
    case 'pageLeft':
      return update(state, { phase: 'left' });

    case 'loaded':
      return onLoaded(state, event);

    case 'openElsewhere':
      if (state.phase !== 'ready' || !state.rejoin || state.openElsewhere) return state;
      return update(state, { openElsewhere: true });

    case 'loadFailed':
      if (state.phase !== 'initializing') return state;
      if (event.status === 401) return fail(state, { kind: 'signedOut', message: event.message, code: 401 });
      return fail(state, { kind: 'load', message: event.message, code: event.status || null });

    case 'permissionChanged': {
      if (event.permission === state.permission) return state;
      if (state.phase === 'permissionsDenied' && event.permission !== 'denied') {
        return update(state, { phase: 'ready', permission: event.permission });
      }
      if (state.phase === 'ready' && event.permission === 'denied') {
        return update(state, { phase: 'permissionsDenied', permission: event.permission });
      }
      return update(state, { permission: event.permission });
    }

    case 'startClicked':
      if (!['ready', 'permissionsDenied', 'microphoneError'].includes(state.phase)) return state;
      return update(state, { phase: 'requestingPermissions', micProblem: null });

    case 'micGranted':
      if (state.phase !== 'requestingPermissions') return state;
      return update(state, { phase: 'connecting', permission: 'granted', attempt: 0, error: null });

    case 'micDenied':
      if (state.phase !== 'requestingPermissions') return state;
      return update(state, { phase: 'permissionsDenied', permission: 'denied' });

    case 'micFailed':
      if (state.phase !== 'requestingPermissions') return state;
      return update(state, { phase: 'microphoneError', micProblem: event.problem });

    case 'started': {
      if (state.phase !== 'connecting' && state.phase !== 'reconnecting') return state;
      const elapsedMs = Math.max(0, event.elapsedMs);
      // Unfinished lines from before a drop are resent or replaced by the server.
      const transcript = state.transcript.filter((entry) => entry.final);
      return update(state, {
        phase: 'live',
        everLive: true,
        transcript,
        clockBaseMs: event.now - elapsedMs,
        elapsedTime: Math.floor(elapsedMs / 1000),
        durationSeconds: event.durationSeconds > 0 ? event.durationSeconds : state.durationSeconds,
        retryDeadlineMs: null,
        attempt: 0,
        interviewerEngine: event.interviewerEngine ?? '',
        playing: false,
        transcriptDelayed: false, // a notice still in force is sent again
      });
    }

    case 'transcript': {
      if (!['live', 'reconnecting', 'ending'].includes(state.phase) || state.redirectTo) return state;
      const id = event.id || idForAnonymous(state.transcript, event.speaker);
      const entry = { id, speaker: event.speaker, text: event.text, final: event.isFinal, offsetMs: event.offsetMs };
      const transcript = upsertEntry(state.transcript, entry);
      if (transcript === state.transcript) return state;
      return update(state, { transcript, caption: captionAfter(state, entry) });
    }

    case 'interviewerStatus':
      if (state.phase !== 'live' || event.state === state.aiStatus) return state;
      return update(state, { aiStatus: event.state });

    case 'tick': {
      if (!clockRuns(state)) return state;
      const elapsedTime = elapsedAt(state, event.now);
      return elapsedTime === state.elapsedTime ? state : update(state, { elapsedTime });
    }

    case 'endClicked':
      if (state.phase !== 'live') return state;
      return update(state, { phase: 'ending', endRequested: true, aiStatus: null });

    case 'endTimedOut':
      if (state.phase !== 'ending' || state.redirectTo) return state;
      return update(state, { redirectTo: feedbackUrl(state) });

    case 'sessionEnded': {
      if (!['connecting', 'live', 'reconnecting', 'ending'].includes(state.phase)) return state;
      if (event.reason === 'REPLACED') {
        return fail(state, { kind: 'replaced', message: event.message, code: null });
      }
      return ended(state, event.reason);
    }

    case 'serverError':
      if (!['connecting', 'live', 'reconnecting', 'ending'].includes(state.phase)) return state;
      if (event.code === INTERVIEW_OVER) return ended(state);
      if (isRetryable(state, event.code)) return state; // the close that follows reconnects
      return fail(state, {
        kind: state.everLive ? 'server' : 'refused',
        message: event.message,
        code: event.code,
      });

    case 'ticketRejected':
      if (!['connecting', 'reconnecting'].includes(state.phase)) return state;
      if (event.status === 401) return fail(state, { kind: 'signedOut', message: event.message, code: 401 });
      if (event.status === 409) return ended(state);
      return fail(state, { kind: 'ticket', message: event.message, code: event.status });

    case 'disconnected':
      return onDisconnected(state, event.code, event.now);

    case 'muteToggled':
      return update(state, { muted: !state.muted });

    case 'transcriptToggled':
      return update(state, { transcriptHidden: !state.transcriptHidden });

    case 'playback':
      if (event.playing === state.playing) return state;
      return update(state, { playing: event.playing, voiced: state.voiced || event.playing });

    case 'notice':
      return onNotice(state, event.kind, event.message);

    case 'interviewerVolumeChanged': {
      const volume = Math.max(0, Math.min(100, Math.round(event.volume)));
      return volume === state.interviewerVolume ? state : update(state, { interviewerVolume: volume });
    }

    case 'interviewerMuteToggled':
      return update(state, { interviewerMuted: !state.interviewerMuted });

    default:
      return state;
  }
}

/**
 * A SessionNotice: the delayed-transcript notice shows until caught up; a fallback's words
 * stay for the session and the engine label turns to the offline interviewer.
 * @param {SessionState} state
 * @param {NoticeKind} kind
 * @param {string} message
 * @returns {SessionState}
 */
function onNotice(state, kind, message) {
  if (!['live', 'reconnecting'].includes(state.phase)) return state;
  if (kind === 'TRANSCRIPT_DELAYED' || kind === 'TRANSCRIPT_CAUGHT_UP') {
    const delayed = kind === 'TRANSCRIPT_DELAYED';
    return delayed === state.transcriptDelayed ? state : update(state, { transcriptDelayed: delayed });
  }
  if (kind === 'ENGINE_FALLBACK') {
    // The offline interviewer took over from the provider: the label says so too.
    const fallbackMessage = message || state.fallbackMessage;
    if (fallbackMessage === state.fallbackMessage && state.interviewerEngine === 'offline') return state;
    return update(state, { fallbackMessage, interviewerEngine: 'offline' });
  }
  return state;
}

/**
 * What the page found on load. An interview already over goes to its feedback (Back after
 * End shows a cached page); one in progress rejoins at once when the microphone is already
 * allowed, unless another tab has it live (moving here would take the microphone from it).
 * @param {SessionState} state
 * @param {Extract<SessionEvent, {type: 'loaded'}>} event
 * @returns {SessionState}
 */
function onLoaded(state, event) {
  if (state.phase !== 'initializing') return state;
  const { permission, current } = event;
  if (event.status && FINISHED_STATUSES.has(event.status)) return ended(update(state, { permission }));
  if (current && current.id !== state.interviewId) {
    return update(state, { phase: 'otherInterview', otherInterview: current, permission });
  }
  const rejoin = current !== null && current.id === state.interviewId;
  const openElsewhere = rejoin && Boolean(event.openElsewhere);
  if (permission === 'denied') return update(state, { phase: 'permissionsDenied', rejoin, permission, openElsewhere });
  const autoRejoin = rejoin && !openElsewhere && permission === 'granted';
  return update(state, { phase: autoRejoin ? 'requestingPermissions' : 'ready', rejoin, permission, openElsewhere });
}

/**
 * Whether a server fault with this code is worth reconnecting after (docs/protocol.md): a
 * restart, an expired ticket or a late start always; a server error only once the
 * interview was live (the server asks to reconnect then).
 * @param {SessionState} state
 * @param {number} code
 * @returns {boolean}
 */
function isRetryable(state, code) {
  return code === CLOSE_SERVICE_RESTART || RETRY_WITH_NEW_TICKET.has(code)
    || (code === CLOSE_INTERNAL_ERROR && state.everLive);
}

/**
 * An unexpected close, a socket error, or a failed ticket request.
 * @param {SessionState} state
 * @param {number} code  WebSocket close code (0 when no socket was open)
 * @param {number} now
 * @returns {SessionState}
 */
function onDisconnected(state, code, now) {
  if (state.phase === 'ending') {
    // The server closes after SessionEnded; a close without it still ends here.
    return state.redirectTo ? state : update(state, { redirectTo: feedbackUrl(state) });
  }
  if (state.phase === 'connecting' && !isRetryable(state, code)) {
    return fail(state, { kind: 'connectFailed', message: '', code: code || null });
  }
  if (state.phase === 'live' || state.phase === 'connecting') {
    return update(state, {
      phase: 'reconnecting',
      attempt: 1,
      retryDeadlineMs: now + RECONNECT_WINDOW_MS,
      aiStatus: null,
    });
  }
  if (state.phase === 'reconnecting') {
    if (state.retryDeadlineMs !== null && now >= state.retryDeadlineMs) {
      return fail(state, { kind: 'connectionLost', message: '', code: code || null });
    }
    return update(state, { attempt: state.attempt + 1 });
  }
  return state;
}
