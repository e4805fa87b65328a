// jsdom lays nothing out: no sizes and no ResizeObserver, which the virtual lists (`virtua`) measure their
// scroll box with. This stands in for a window: each observed element is reported `viewport` px high and
// 1,000 px wide, so a short list renders whole (as the component tests expect) and a long one renders
// only the rows that fit (as `VirtualList.test.ts` checks). Items are never measured (jsdom has no
// `offsetParent`), so virtua keeps its estimate for them. Loaded before every test file (vite.config.ts).
import { afterEach } from "vitest";

/** The height each scroll box reports: a tall window by default, set lower by a test that counts rows. */
export const layout = { viewport: 10_000 };

afterEach(() => {
  layout.viewport = 10_000;
});

class StandInResizeObserver implements ResizeObserver {
  constructor(private readonly report: ResizeObserverCallback) {}

  observe(target: Element): void {
    queueMicrotask(() => {
      const rect = { width: 1000, height: layout.viewport, x: 0, y: 0, top: 0, left: 0, bottom: layout.viewport, right: 1000 };
      const entry = { target, contentRect: { ...rect, toJSON: () => rect } } as unknown as ResizeObserverEntry;
      this.report([entry], this);
    });
  }

  unobserve(): void {}

  disconnect(): void {}
}

globalThis.ResizeObserver ??= StandInResizeObserver;

// jsdom has no scrolling either: scrollTo sets the offset and says so, as a browser does.
Element.prototype.scrollTo ??= function (this: Element, options?: ScrollToOptions | number) {
  const top = typeof options === "number" ? options : options?.top;
  if (top !== undefined) this.scrollTop = top;
  this.dispatchEvent(new Event("scroll"));
} as Element["scrollTo"];
