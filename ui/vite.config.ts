import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The UI is served by Tauri from `ui/dist` (relative asset paths, so `base: "./"`) under a strict CSP
// (`default-src 'self'`): no inline scripts, no eval, no external assets. Vite's module-preload polyfill
// is turned off (WebKit preloads modules itself), so the built page holds only its module script, the
// preload of the chunk it shares with the screens loaded apart (`src/lib/lazyParts.svelte.ts`), and
// one stylesheet.
export default defineConfig(({ mode }) => ({
  root: ".",
  base: "./",
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
  // Tests mount components in jsdom: use Svelte's browser build, not its server build.
  resolve: mode === "test" ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
    // A stand-in for the layout jsdom lacks (ResizeObserver, scrollTo), which the virtual lists measure with.
    setupFiles: ["src/testing/layout.ts"],
    restoreMocks: true,
    // Stylesheets load as empty strings in tests, except app.css: theme.test.ts reads its colours.
    css: { include: [/app\.css/] },
  },
}));
