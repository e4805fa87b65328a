// The Activity tab's doors to the core: the list for a query, the CSV export through the native save
// dialog, and the watch that pushes new transactions. Kept in one place so the screen reads as words.
import { Channel } from "@tauri-apps/api/core";
import { call, commands, type ActivityQuery, type ActivityView, type ExportReceipt } from "../api";
// The watch's message by name: tauri-specta types a channel with the shape Rust would read, but the core
// writes it, so every field is there, as in the `_Serialize` shape (see `updates.ts`).
import type { ActivityUpdate_Serialize } from "../bindings";
import { startedWatch, type Watch } from "./updates";

export type ActivityUpdate = ActivityUpdate_Serialize;

/** The transactions `query` matches, grouped, sorted and worded by the core. */
export async function listTransactions(query: ActivityQuery): Promise<ActivityView> {
  return call(commands.activityList(query));
}

/** Asks where to save, then writes the CSV of every transaction `query` matches. `null`: the person cancelled. */
export async function exportTransactions(query: ActivityQuery): Promise<ExportReceipt | null> {
  return call(commands.exportActivity(query));
}

/** Hears each new or changed transaction as the core learns it (and its trouble checking), with times
 *  in the zone `utcOffsetMinutes`. */
export function watchTransactions(utcOffsetMinutes: number, onUpdate: (update: ActivityUpdate) => void): Promise<Watch> {
  const channel: Parameters<typeof commands.watchActivity>[1] = new Channel((update) => onUpdate(update as ActivityUpdate));
  return startedWatch(commands.watchActivity(utcOffsetMinutes, channel));
}
