import { mount } from "svelte";
import { commands } from "./api";
import App from "./App.svelte";
import { askBeforeMount, FIRST_ANSWER_WAIT_MS } from "./lib/firstAnswer";
import "./app.css";

const target = document.getElementById("app");
if (!target) throw new Error("The page has no #app element.");

// The first screen is decided from the core's state: ask for it before mounting (see firstAnswer.ts).
askBeforeMount(() => commands.appState(), (first) => mount(App, { target, props: { first } }), FIRST_ANSWER_WAIT_MS);
