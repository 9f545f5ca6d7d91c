// Polling with backoff: quick at first (most reports take a second or two), then slower,
// never a fixed short interval. Pure and DOM-free.

/** Delays in ms: first, first*factor, ... capped at max. */
export function* backoff({ first = 500, factor = 1.7, max = 8000 } = {}) {
  let delay = first;
  for (;;) {
    yield Math.round(delay);
    delay = Math.min(delay * factor, max);
  }
}

export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** Waits until the page is visible again, so hidden tabs do not poll. */
export function visible() {
  if (!document.hidden) return Promise.resolve();
  return new Promise((resolve) => {
    const onChange = () => {
      if (document.hidden) return;
      document.removeEventListener("visibilitychange", onChange);
      resolve();
    };
    document.addEventListener("visibilitychange", onChange);
  });
}

/**
 * Calls `check` after each backoff delay until it returns a value other than undefined.
 * A thrown error (network down) counts as "not yet". `onSlow` runs once after `slowAfterMs`.
 */
export async function pollUntil(check, { delays = backoff(), signal, slowAfterMs = 60000, onSlow } = {}) {
  const started = Date.now();
  let warned = false;
  for (const delay of delays) {
    await sleep(delay, signal);
    await visible();
    try {
      const result = await check();
      if (result !== undefined) return result;
    } catch (error) {
      if (error?.fatal) throw error;
    }
    if (!warned && Date.now() - started > slowAfterMs) {
      warned = true;
      onSlow?.();
    }
  }
  return undefined;
}
