// The Activity tab's doors to the core: the list for a query, the CSV export through the native save
// dialog, and the watch that pushes new transactions. Kept in one place so the screen reads as words.
import { Channel, invoke } from "@tauri-apps/api/core";
import { call, type ActivityQuery, type ActivityUpdate, type ActivityView, type ExportReceipt } from "../api";
import { startedWatch, type Watch } from "./updates";

const core = {
  activityList: (query: ActivityQuery) => invoke("activity_list", { query }),
  exportActivity: (query: ActivityQuery) => invoke("export_activity", { query }),
  watchActivity: (utcOffsetMinutes: number, onUpdate: Channel<ActivityUpdate>) =>
    invoke("watch_activity", { utcOffsetMinutes, onUpdate }),
};

/** The transactions `query` matches, grouped, sorted and worded by the core. */
export async function listTransactions(query: ActivityQuery): Promise<ActivityView> {
  return (await call(core.activityList(query))) as ActivityView;
}

/** Asks where to save, then writes the CSV of every transaction `query` matches. `null`: the person cancelled. */
export async function exportTransactions(query: ActivityQuery): Promise<ExportReceipt | null> {
  return (await call(core.exportActivity(query))) as ExportReceipt | null;
}

/** Hears each new or changed transaction as the core learns it (and its trouble checking), with times
 *  in the zone `utcOffsetMinutes`. */
export function watchTransactions(utcOffsetMinutes: number, onUpdate: (update: ActivityUpdate) => void): Promise<Watch> {
  return startedWatch(core.watchActivity(utcOffsetMinutes, new Channel<ActivityUpdate>(onUpdate)));
}
