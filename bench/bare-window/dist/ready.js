// Reports the page interactive the way Machines Wallet's UI does: once the page is loaded and one
// animation frame has been drawn, so both sides are timed to the same moment.
window.addEventListener("DOMContentLoaded", () => {
  requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("ready"));
});
