// The Activity tab's doors to the core: the list for a query, the CSV export through the native save
// dialog, and the watch that pushes new transactions. Kept in one place so the screen reads as words.
import { Channel, invoke } from "@tauri-apps/api/core";
import { call, type ActivityQuery, type ActivityView, type ExportReceipt } from "../api";
import { startedWatch, type Watch } from "./updates";

const core = {
  activityList: (query: ActivityQuery) => invoke("activity_list", { query }),
  exportActivity: (query: ActivityQuery) => invoke("export_activity", { query }),
  watchActivity: (onUpdate: Channel<unknown>) => invoke("watch_activity", { onUpdate }),
};

/** The transactions `query` matches, grouped, sorted and worded by the core. */
export async function listTransactions(query: ActivityQuery): Promise<ActivityView> {
  return (await call(core.activityList(query))) as ActivityView;
}

/** Asks where to save, then writes the CSV of every transaction `query` matches. `null`: the person cancelled. */
export async function exportTransactions(query: ActivityQuery): Promise<ExportReceipt | null> {
  return (await call(core.exportActivity(query))) as ExportReceipt | null;
}

/** Hears each new or changed transaction as the core learns it; the page asks again for what it shows. */
export function watchTransactions(onNews: () => void): Promise<Watch> {
  return startedWatch(core.watchActivity(new Channel<unknown>(() => onNews())));
}
