import type { ViewBacklog, ViewInstance, ViewSession, ViewState } from "../src/view/view-state.ts";
import { byId, el } from "./dom.ts";
import { formatAge, formatRate, shortId } from "./format.ts";

/** A heartbeat older than this reads as silent (the broker's default INSTANCE_TIMEOUT_MS). */
const SILENT_AFTER_MS = 15_000;

/** An age that the once-a-second tick keeps current: `since` is on the broker's clock. */
function age(since: number, now: number): HTMLElement {
  return el("span", { class: "age", "data-since": String(since) }, formatAge(now - since));
}

/** Rewrites every age on the page for the broker's `now`; no request is made. */
export function tickAges(now: number): void {
  for (const node of document.querySelectorAll<HTMLElement>("[data-since]")) {
    node.textContent = formatAge(now - Number(node.dataset.since));
  }
}

function instanceHealth(i: ViewInstance, now: number): "live" | "silent" | "stopped" {
  if (i.stoppedAt !== null) return "stopped";
  return now - i.heartbeatAt > SILENT_AFTER_MS ? "silent" : "live";
}

/** The header: this instance and its database, then every instance of the registry. */
export function renderHealth(state: ViewState, now: number): void {
  const { health } = state;
  const db = health.stale ? `${health.db}, data stale` : health.db;
  const chips = Object.values(state.instances).map((i) => {
    const h = instanceHealth(i, now);
    const self = i.id === health.instanceId;
    return el(
      "span",
      { class: `chip instance ${h}${self ? " self" : ""}`, title: `${i.id} · v${i.version} · pid ${i.pid}` },
      el("span", { class: "dot" }),
      el("b", {}, i.hostname),
      ` ${shortId(i.id)}`,
      self ? el("span", { class: "tag" }, "this") : null,
      h === "stopped" ? " stopped" : el("span", { class: "muted" }, " ♥ ", age(i.heartbeatAt, now)),
    );
  });
  byId("health").replaceChildren(
    el(
      "span",
      { class: `chip db ${health.stale ? "down" : health.db}`, "data-db": health.db },
      el("span", { class: "dot" }),
      "Postgres ",
      el("b", {}, db),
    ),
    ...chips,
  );
}

/** The tiles: rates across instances, and totals. */
export function renderRates(state: ViewState): void {
  const sessions = Object.values(state.sessions);
  const working = sessions.filter((s) => s.status === "working").length;
  const waiting = Object.values(state.backlog).reduce((sum, b) => sum + b.undelivered, 0);
  const tile = (label: string, value: string, note?: string) =>
    el(
      "div",
      { class: "tile" },
      el("span", { class: "label" }, label),
      el("b", {}, value),
      note ? el("small", {}, note) : null,
    );
  const rates = byId("rates");
  rates.hidden = false;
  rates.replaceChildren(
    tile("stored / s", formatRate(state.rates.storedPerSec), "envelope rows, all instances"),
    tile("delivered / s", formatRate(state.rates.deliveredPerSec), "last 10 s"),
    tile("live sessions", String(sessions.length), `${working} working`),
    tile("undelivered", String(waiting), `${plural(Object.keys(state.backlog).length, "member", "members")} waiting`),
  );
}

/** "1 member", "3 members". */
function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

function sessionRow(id: string, s: ViewSession, backlog: ViewBacklog | undefined, self: string, now: number) {
  return el(
    "tr",
    { "data-presence": id, "data-name": s.name },
    el("td", { class: "name" }, s.name),
    el("td", {}, el("span", { class: `badge ${s.status}`, "data-status": s.status }, s.status)),
    el("td", { class: "muted" }, s.source),
    el(
      "td",
      { class: "mono" },
      shortId(s.instanceId),
      s.instanceId === self ? el("span", { class: "tag" }, "this") : null,
    ),
    el("td", { class: "num" }, age(s.connectedAt, now)),
    el("td", { class: "num" }, age(s.statusAt, now)),
    el("td", { class: `num backlog${backlog ? " waiting" : ""}` }, String(backlog?.undelivered ?? 0)),
  );
}

/** One card per mesh: its live sessions, and members who are away with envelopes waiting. */
export function renderMeshes(state: ViewState, now: number): void {
  const container = byId("meshes");
  const meshes = Object.values(state.meshes);
  if (meshes.length === 0) {
    container.replaceChildren(el("p", { class: "empty" }, "No meshes yet."));
    return;
  }
  const cards = meshes.map((mesh) => {
    const sessions = Object.entries(state.sessions)
      .filter(([, s]) => s.meshId === mesh.id)
      .sort(([, a], [, b]) => byName(a, b));
    const live = new Set(sessions.map(([, s]) => s.memberId));
    const backlog = Object.entries(state.backlog).filter(([, b]) => b.meshId === mesh.id);
    const waiting = backlog.reduce((sum, [, b]) => sum + b.undelivered, 0);
    const away = backlog.filter(([memberId]) => !live.has(memberId)).sort(([, a], [, b]) => byName(a, b));
    const rows = sessions.map(([id, s]) => sessionRow(id, s, state.backlog[s.memberId], state.health.instanceId, now));
    const awayRows = away.map(([memberId, b]) =>
      el(
        "tr",
        { class: "away", "data-member": memberId, "data-name": b.name },
        el("td", { class: "name" }, b.name),
        el("td", {}, el("span", { class: "badge offline" }, "offline")),
        el("td", { class: "muted", colspan: "3" }, "oldest waiting ", age(b.oldestAt, now)),
        el("td", {}, ""),
        el("td", { class: "num backlog waiting" }, String(b.undelivered)),
      ),
    );
    const body =
      rows.length + awayRows.length === 0
        ? el("p", { class: "empty" }, "Nobody connected.")
        : el(
            "table",
            {},
            el(
              "thead",
              {},
              el(
                "tr",
                {},
                ...["Member", "Status", "Source", "Instance", "Connected", "In status", "Backlog"].map((h) =>
                  el("th", {}, h),
                ),
              ),
            ),
            el("tbody", {}, ...rows, ...awayRows),
          );
    return el(
      "article",
      { class: "mesh", "data-mesh": mesh.id },
      el(
        "header",
        {},
        el("h2", {}, mesh.name, el("span", { class: "slug" }, mesh.slug)),
        el(
          "span",
          { class: "muted" },
          `${plural(mesh.members, "member", "members")} · ${sessions.length} live · `,
          el("span", { class: waiting > 0 ? "waiting" : "" }, `${waiting} waiting`),
        ),
      ),
      body,
    );
  });
  if (state.truncated)
    cards.push(el("p", { class: "empty" }, "Showing the first rows only: the view's bounds were reached."));
  container.replaceChildren(...cards);
}
