// The spec's TranscriptDisplay: renders transcript entries into the page.
//
// Finished utterances go into a real list inside the `role="log"` region (a polite live
// region, additions only; the list keeps its list semantics, which axe's listitem rule
// needs); on a rejoin the server has rendered the saved ones there already. A line still
// being streamed stays outside it, so a screen reader hears each line once,
// finished, instead of every word. Text is always set with textContent, never as HTML.
// It keeps the newest line in view unless the reader has scrolled up; then it offers
// "Jump to latest" instead of pulling the page away from what they are reading.

/** @typedef {import('./state.js').Entry} Entry */

/** Within this many pixels of the bottom counts as "reading the newest line". */
export const NEAR_BOTTOM_PX = 100;

const SPEAKER_LABELS = { AI: 'Interviewer', USER: 'You', UNKNOWN: 'Speaker' };

export class TranscriptDisplay {
  /**
   * @param {HTMLElement} root  the element holding the data-transcript-* parts
   */
  constructor(root) {
    this.scroller = /** @type {HTMLElement} */ (root.querySelector('[data-transcript-scroll]'));
    this.log = /** @type {HTMLElement} */ (root.querySelector('[data-transcript-log]'));
    this.streaming = /** @type {HTMLElement} */ (root.querySelector('[data-transcript-streaming]'));
    this.empty = /** @type {HTMLElement} */ (root.querySelector('[data-transcript-empty]'));
    this.jump = /** @type {HTMLButtonElement} */ (root.querySelector('[data-action="jump-latest"]'));
    /** @type {Map<string, HTMLElement>} */
    this.elements = new Map();
    /** @type {Entry[]} */
    this.shown = this.adoptSaved();
    this.scroller.addEventListener('scroll', () => {
      if (this.isNearBottom()) this.jump.hidden = true;
    });
    this.jump.addEventListener('click', () => {
      this.scrollToLatest();
      this.scroller.focus();
    });
  }

  /**
   * Take over the lines the server rendered on a rejoin (the saved transcript), keyed by the
   * same utterance ids the real-time server resends them under, so nothing doubles.
   * @returns {Entry[]}  the saved lines, for the page's first state
   */
  adoptSaved() {
    /** @type {Entry[]} */
    const entries = [];
    for (const element of this.log.querySelectorAll('li[data-utterance-id]')) {
      const line = /** @type {HTMLElement} */ (element);
      const id = line.dataset.utteranceId ?? '';
      const speaker = /** @type {import('./state.js').SpeakerName} */ (line.dataset.speaker ?? 'UNKNOWN');
      const text = line.querySelector('.utterance-text')?.textContent ?? '';
      entries.push({ id, speaker, text, final: true, offsetMs: Number(line.dataset.offsetMs ?? 0) });
      this.elements.set(id, line);
    }
    this.empty.hidden = entries.length > 0;
    return entries;
  }

  /** @returns {boolean} */
  isNearBottom() {
    const { scrollHeight, scrollTop, clientHeight } = this.scroller;
    return scrollHeight - scrollTop - clientHeight <= NEAR_BOTTOM_PX;
  }

  scrollToLatest() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.jump.hidden = true;
  }

  /**
   * Bring the DOM in line with `entries` (keyed by utterance id; only changes are applied).
   * @param {Entry[]} entries
   */
  render(entries) {
    if (entries === this.shown) return;
    this.shown = entries;
    const follow = this.isNearBottom();
    let changed = false;
    const present = new Set();
    for (const entry of entries) {
      present.add(entry.id);
      changed = this.renderEntry(entry) || changed;
    }
    for (const [id, element] of this.elements) {
      if (!present.has(id)) {
        element.remove();
        this.elements.delete(id);
        changed = true;
      }
    }
    this.empty.hidden = entries.length > 0;
    if (!changed) return;
    if (follow) this.scrollToLatest();
    else this.jump.hidden = false;
  }

  /**
   * @param {Entry} entry
   * @returns {boolean}  whether the DOM changed
   */
  renderEntry(entry) {
    let element = this.elements.get(entry.id);
    const wanted = entry.final ? 'LI' : 'DIV';
    if (element && element.tagName !== wanted) {
      element.remove();
      element = undefined;
    }
    if (!element) {
      element = createLine(entry);
      this.elements.set(entry.id, element);
      (entry.final ? this.log : this.streaming).append(element);
      return true;
    }
    const text = /** @type {HTMLElement} */ (element.querySelector('.utterance-text'));
    if (text.textContent === entry.text) return false;
    text.textContent = entry.text;
    return true;
  }
}

/**
 * One line: a speaker label in words and the text, both as plain text.
 * @param {Entry} entry
 * @returns {HTMLElement}
 */
function createLine(entry) {
  const line = document.createElement(entry.final ? 'li' : 'div');
  line.className = `utterance utterance-${entry.speaker.toLowerCase()}${entry.final ? '' : ' is-streaming'}`;
  line.dataset.utteranceId = entry.id;
  line.dataset.speaker = entry.speaker;
  line.dataset.final = String(entry.final);
  const speaker = document.createElement('span');
  speaker.className = 'utterance-speaker';
  speaker.textContent = SPEAKER_LABELS[entry.speaker] ?? SPEAKER_LABELS.UNKNOWN;
  const colon = document.createElement('span');
  colon.className = 'visually-hidden';
  colon.textContent = ': ';
  speaker.append(colon);
  const text = document.createElement('p');
  text.className = 'utterance-text';
  text.textContent = entry.text;
  line.append(speaker, text);
  return line;
}
