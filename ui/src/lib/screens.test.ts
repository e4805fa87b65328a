import { describe, expect, it } from "vitest";
import type { Stage } from "../api";
import { app, go, noteStage } from "./app.svelte";
import { environmentName, screenForStage } from "./screens";

describe("stages and screens", () => {
  it("sends each stage to its screen", () => {
    const cases: Array<[Stage, string]> = [
      [{ stage: "kycForm" }, "kycForm"],
      [{ stage: "verification" }, "status"],
      [{ stage: "waiting" }, "status"],
      [{ stage: "blocked", status: "denied", reason: "Document expired" }, "status"],
      [{ stage: "agreements" }, "agreements"],
      [{ stage: "wallet" }, "wallet"],
      [{ stage: "somethingNew" } as unknown as Stage, "status"],
    ];
    for (const [stage, screen] of cases) expect(screenForStage(stage)).toBe(screen);
  });

  it("keeps a blocked stage's reason for the status screen", () => {
    noteStage({ stage: "blocked", status: "denied", reason: "Document expired" });
    expect(app.blocked).toEqual({ status: "denied", reason: "Document expired" });
    noteStage({ stage: "wallet" });
    expect(app.blocked).toBeNull();
  });

  it("remembers where Settings was opened from", () => {
    go("wallet");
    go("settings");
    expect(app.screen).toBe("settings");
    expect(app.back).toBe("wallet");
    go("settings");
    expect(app.back).toBe("wallet");
  });

  it("names environments", () => {
    expect(environmentName("demo")).toBe("Demo");
    expect(environmentName("production")).toBe("Production");
    expect(environmentName("staging-7")).toBe("staging-7");
  });
});
