// When a list's rows reached the screen after its data arrived, for the scale benchmarks (`bench/`): the
// core prints `painted <list> <ms>` (and `ready cards <n>` the first time) when the app runs with
// `MACHINES_WALLET_REPORT_READY`, and ignores the mark otherwise. Only the page sees its frames, so it
// measures: from the moment the IPC answer resolved to the first animation frame in which the list's
// rows are in the DOM.
import { tick } from "svelte";
import { commands } from "../api";

export type PaintedList = "cards" | "activity";

/** Frames to wait for the rows before reporting anyway (an empty list has none to wait for). */
const MAX_FRAMES = 120;

const nextFrame = () => new Promise<number>((painted) => requestAnimationFrame(painted));

/** Whether the rows of `list` are in the DOM: any row, or none expected. */
function rowsIn(list: PaintedList, items: number): boolean {
  return items === 0 || document.querySelector(`[data-list="${list}"] [data-row]`) !== null;
}

/**
 * Reports the paint of `list`'s data, which arrived at `answeredAt` (`performance.now()`) and holds
 * `items` items. Answers the milliseconds reported, or null when the rows never came (the screen went).
 */
export async function markPainted(list: PaintedList, answeredAt: number, items: number): Promise<number | null> {
  await tick();
  for (let frame = 0; frame < MAX_FRAMES; frame++) {
    await nextFrame();
    if (!rowsIn(list, items)) continue;
    const ms = performance.now() - answeredAt;
    await Promise.resolve(commands.uiPainted({ list, ms, items })).catch(() => {});
    return ms;
  }
  return null;
}
