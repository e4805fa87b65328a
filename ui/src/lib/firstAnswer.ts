// The core's first answer, asked for before the UI is mounted.
//
// Why: if the page mounts first, WebKit paints the "Starting…" panel, and only then does the set-up (or
// lock) screen follow one frame later. On a machine that paints on the CPU each of those frames costs
// 20 to 30 ms, and the first one is thrown away. Asking first, and mounting once the answer is in, makes
// the first frame a person sees the screen they will use. The answer normally takes a few milliseconds;
// if the core is slow (a keychain waiting to be unlocked), the page mounts after `waitMs` anyway and
// shows "Starting…" until the answer comes.

/** How long the window may stay empty waiting for the core's first answer. */
export const FIRST_ANSWER_WAIT_MS = 150;

/**
 * Starts `ask()` now and calls `ready(answer)` once it settles or `waitMs` has passed, whichever is
 * first. `answer` is the same pending promise either way, so a caller awaits it instead of asking again;
 * a rejection is left for that caller to handle.
 */
export function askBeforeMount<T>(ask: () => Promise<T>, ready: (answer: Promise<T>) => void, waitMs: number): void {
  let answer: Promise<T>;
  try {
    answer = ask();
  } catch (e) {
    answer = Promise.reject(e);
  }
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    ready(answer);
  };
  const timer = setTimeout(go, waitMs);
  answer.then(go, go);
}

/**
 * The window is created hidden and the page shows it (see `src-tauri/src/rendering.rs`: drawn before
 * the page can paint, WebKit painting on the CPU can stall the start for half a second). `show()` is
 * called once, when `firstScreen` settles (the screen is in place, or its error is), or after `waitMs`
 * if the core is slow to say which screen, so the "Starting…" panel shows meanwhile. The returned
 * promise settles as `show()` does.
 */
export function showWhenPlaced(firstScreen: Promise<unknown>, show: () => Promise<void>, waitMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)));
  const placed = firstScreen.then(
    () => {},
    () => {},
  );
  return Promise.race([placed, waited]).then(() => {
    clearTimeout(timer);
    return show();
  });
}
