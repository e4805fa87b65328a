import { mount } from "svelte";
import { commands } from "./api";
import App from "./App.svelte";
import { askBeforeMount, FIRST_ANSWER_WAIT_MS } from "./lib/firstAnswer";
import { fontStackFor } from "./lib/platform";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("The page has no #app element.");

// Before anything is laid out, so fonts are looked up once, for the right stack (see app.css).
document.documentElement.dataset.fonts = fontStackFor(navigator.userAgent);

// The first screen is decided from the core's state: ask for it before mounting (see firstAnswer.ts).
askBeforeMount(() => commands.appState(), (first) => mount(App, { target, props: { first } }), FIRST_ANSWER_WAIT_MS);
