/* Shared by the capture pages: their translated strings, the "what I logged" list with what is
 * still waiting to be sent. User text is only ever set with textContent. */
import { el } from "./dom.js";
import { strings } from "./strings.js";

/** Return a translated string of the capture-i18n block with {name} placeholders filled. */
export const text = strings("capture-i18n");

function describe(kind, body, result, stations, label, state) {
  const station = stations.get(Number(body.station_id ?? (result && result.station_id)));
  switch (kind) {
    case "note":
      return { main: body.text, meta: station || "" };
    case "follow_up":
      return { main: body.topic, meta: [station, text(body.share_contact ? "shared" : "not_shared")]
        .filter(Boolean).join(" · "), extra: body.message };
    case "check_in": {
      const name = (result && result.station_name) || body.station_code;
      if (state === "failed") return { main: text("check_in_code", { code: body.station_code }), meta: "" };
      return { main: text("checked_in_at", { station: name }), meta: "" };
    }
    case "wall_card":
      return { main: body.text, meta: text(body.kind || "idea") };
    case "lead":
      return { main: label || body.topic || "", meta: label ? body.topic || "" : "", extra: body.note };
    default:
      return { main: "", meta: "" };
  }
}

function item(row, box, stations) {
  const { kind, body, state, error, result, label } = row;
  const li = el("li", `capture-item state-${state}`);
  li.dataset.state = state;
  li.dataset.kind = kind;
  li.dataset.clientId = body.client_id;
  const what = describe(kind, body, result, stations, label, state);
  const head = el("p", "capture-item-head");
  head.append(el("span", "capture-kind", text(kind)), el("span", `badge capture-state`, text(state)));
  li.append(head, el("p", "capture-text", what.main));
  if (what.extra) li.append(el("p", "capture-extra muted", what.extra));
  if (what.meta) li.append(el("p", "capture-meta muted", what.meta));
  if (state === "failed") {
    li.append(el("p", "capture-error", error || ""));
    const retry = el("button", "btn btn-small", text("retry"));
    retry.type = "button";
    retry.addEventListener("click", () => box.retry(body.client_id));
    const drop = el("button", "btn btn-small", text("discard"));
    drop.type = "button";
    drop.addEventListener("click", () => box.discard(body.client_id));
    const actions = el("p", "row");
    actions.append(retry, drop);
    li.append(actions);
  }
  return li;
}

/** Keep #my-log and #outbox-status drawn from the outbox and the records the server sent. */
export function mountLog(box, { server = [], stations = new Map(), kinds = null } = {}) {
  const list = document.getElementById("my-log");
  const empty = document.getElementById("my-log-empty");
  const status = document.getElementById("outbox-status");
  const draw = (entries) => {
    const local = new Set(entries.map((e) => e.client_id));
    const rows = entries
      .filter((e) => e.kind !== "wall_vote" || e.state !== "sent")
      .map((e) => ({ ...e, at: e.created }));
    for (const { kind, record } of server) {
      if (local.has(record.client_id)) continue;
      rows.push({ kind, body: record, state: "sent", result: record, at: record.created_at });
    }
    const shown = rows.filter((r) => !kinds || kinds.includes(r.kind));
    shown.sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
    list.replaceChildren(...shown.map((row) => item(row, box, stations)));
    if (empty) empty.hidden = shown.length > 0;
    const waiting = box.waiting();
    status.dataset.waiting = String(waiting);
    status.hidden = waiting === 0;
    status.textContent = waiting ? text("waiting_n", { n: waiting }) : "";
  };
  box.onChange(draw);
}
