// Reports the page interactive, as Machines Wallet's UI does once its first screen is up.
window.addEventListener("DOMContentLoaded", () => {
  window.__TAURI_INTERNALS__.invoke("ready");
});
