import { describe, expect, it } from "vitest";
import { fontStackFor } from "./platform";

describe("fontStackFor", () => {
  it("uses the fontconfig stack in WebKitGTK", () => {
    expect(
      fontStackFor(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
      ),
    ).toBe("fontconfig");
    expect(fontStackFor("Mozilla/5.0 (X11; FreeBSD amd64) AppleWebKit/605.1.15 (KHTML, like Gecko)")).toBe(
      "fontconfig",
    );
  });

  it("keeps system-ui in WKWebView and WebView2", () => {
    expect(fontStackFor("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)")).toBe(
      "native",
    );
    expect(
      fontStackFor(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
      ),
    ).toBe("native");
    expect(fontStackFor("")).toBe("native");
  });
});
