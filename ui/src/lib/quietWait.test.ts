import { describe, expect, it } from "vitest";
import type { ErrorCode, UiError } from "../api";
import { quietWaitMs } from "./quietWait";

const error = (code: ErrorCode, retryAfterSeconds: number | null): UiError => ({
  code,
  title: "t",
  message: "m",
  action: "retry",
  fields: [],
  retryAfterSeconds,
});

describe("a timed check that meets a rate limit", () => {
  it("waits as long as the server says, within an hour, and never less than the poll", () => {
    expect(quietWaitMs(error("rate_limited", 600), 3000)).toBe(600_000);
    expect(quietWaitMs(error("rate_limited", 1), 3000)).toBe(3000);
    expect(quietWaitMs(error("rate_limited", 10 ** 9), 3000)).toBe(3_600_000);
    expect(quietWaitMs(error("rate_limited", null), 3000)).toBe(30_000);
  });

  it("leaves every other error to be shown", () => {
    expect(quietWaitMs(error("network", null), 3000)).toBeNull();
    expect(quietWaitMs(error("server", 5), 3000)).toBeNull();
  });
});
