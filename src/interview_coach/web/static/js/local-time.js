// Times are rendered on the server in UTC, which is all it knows; this shows each
// <time data-local-time> in the reader's own time zone instead. Without JavaScript the UTC
// text stays, and the UTC time stays in the element's title either way.

const FORMAT = new Intl.DateTimeFormat(undefined, {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

/**
 * Rewrite the times under `root` (once each) in the browser's time zone.
 * @param {ParentNode} [root]
 */
export function showLocalTimes(root = document) {
  for (const element of root.querySelectorAll('time[data-local-time]:not([data-localised])')) {
    const when = new Date(element.getAttribute('datetime') ?? '');
    if (Number.isNaN(when.getTime())) continue;
    element.setAttribute('title', element.textContent ?? '');
    element.textContent = FORMAT.format(when);
    element.setAttribute('data-localised', '');
  }
}

showLocalTimes();
