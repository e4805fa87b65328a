// What the page needs to know about the webview it runs in.

/**
 * Which font stack suits the webview: "fontconfig" for WebKitGTK (Linux, BSD), where fonts are found
 * through fontconfig and the generic families are the distribution's choice; "native" for WKWebView and
 * WebView2, which resolve `system-ui` to the platform's own font. See `app.css`.
 */
export function fontStackFor(userAgent: string): "fontconfig" | "native" {
  if (/Android|Macintosh|iPhone|iPad|Windows/.test(userAgent)) return "native";
  return /X11|Linux|BSD|Wayland/.test(userAgent) ? "fontconfig" : "native";
}
