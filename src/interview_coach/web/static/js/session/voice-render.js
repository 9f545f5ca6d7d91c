// Renders the interviewer-voice parts of the shell from the state: volume and mute, the
// engine's name, the caption, and the session notices. Words live in the template.

/** @typedef {import('./state.js').SessionState} SessionState */

/** Engines the template has a friendly name for; any other shows its own name. */
const NAMED_ENGINES = ['offline', 'mock'];

/**
 * @param {HTMLElement} root
 * @param {string} selector
 * @returns {HTMLElement}
 */
function part(root, selector) {
  return /** @type {HTMLElement} */ (root.querySelector(selector));
}

/**
 * @param {HTMLElement} root
 * @param {SessionState} state
 */
export function renderVoice(root, state) {
  const volume = /** @type {HTMLInputElement} */ (part(root, '[data-interviewer-volume]'));
  if (Number(volume.value) !== state.interviewerVolume) volume.value = String(state.interviewerVolume);
  volume.setAttribute('aria-valuetext', `${state.interviewerVolume} percent${state.interviewerMuted ? ', muted' : ''}`);
  part(root, '[data-interviewer-volume-value]').textContent = `${state.interviewerVolume}%`;
  const mute = part(root, '[data-action="interviewer-mute"]');
  mute.setAttribute('aria-pressed', String(state.interviewerMuted));
  for (const label of mute.querySelectorAll('[data-interviewer-mute-text]')) {
    /** @type {HTMLElement} */ (label).hidden = label.getAttribute('data-interviewer-mute-text')
      !== (state.interviewerMuted ? 'unmute' : 'mute');
  }
  part(root, '[data-voice]').dataset.muted = String(state.interviewerMuted);

  const engine = state.interviewerEngine;
  part(root, '[data-engine]').hidden = !engine;
  const known = NAMED_ENGINES.includes(engine) ? engine : 'other';
  for (const label of root.querySelectorAll('[data-engine-label]')) {
    /** @type {HTMLElement} */ (label).hidden = label.getAttribute('data-engine-label') !== known;
  }
  part(root, '[data-engine-name]').textContent = known === 'other' ? engine : '';

  const caption = part(root, '[data-caption]');
  const text = state.caption?.text ?? '';
  if (caption.textContent !== text) caption.textContent = text;
  caption.dataset.utteranceId = state.caption?.id ?? '';
  part(root, '[data-caption-box]').hidden = !text || state.phase === 'error';

  part(root, '[data-notice="transcript-delayed"]').hidden = !state.transcriptDelayed;
  const fallback = part(root, '[data-notice="fallback"]');
  fallback.hidden = !state.fallbackMessage;
  part(fallback, '[data-fallback-message]').textContent = state.fallbackMessage;
}
