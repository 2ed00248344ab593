/* On the participant's phone: every entry made in their name at a station tablet in kiosk mode
 * (notes, contact requests, check-ins), and a button to withdraw a consent given there.
 * Consent is per person and station: withdrawing it stops every request to that station from
 * sharing the contact details. User text is only ever set with textContent. */
import { live } from "./live-core.js";
import { $, el, readJson } from "./dom.js";
import { strings } from "./strings.js";

const KINDS = [["note", "notes"], ["follow_up", "follow_ups"], ["check_in", "check_ins"]];
const t = strings("kiosk-entries-i18n");
let entries = []; // {kind, record}, newest first
let stations = new Map();

function fromMe(me) {
  const out = [];
  for (const [kind, key] of KINDS) {
    for (const record of me[key] || []) if (record.via === "kiosk") out.push({ kind, record });
  }
  return out.sort((a, b) => String(b.record.created_at).localeCompare(String(a.record.created_at)));
}

function station(record) {
  return stations.get(record.station_id) || record.station_name || "";
}

async function withdraw(record, button, status) {
  button.disabled = true;
  const path = `/follow-ups/${record.id}/withdraw-consent`;
  const answer = await live.api("POST", path, {}).catch(() => ({ status: 0 }));
  if (answer.status !== 200) {
    button.disabled = false;
    status.textContent = t("withdraw_failed");
    return;
  }
  for (const entry of entries) {
    if (entry.kind === "follow_up" && entry.record.station_id === record.station_id) {
      entry.record.share_contact = false;
    }
  }
  draw();
  $("kiosk-entries-status").textContent = t("withdrawn", { station: station(record) });
}

function item({ kind, record }) {
  const li = el("li", "capture-item kiosk-entry");
  li.dataset.kind = kind;
  li.dataset.id = record.id;
  const head = el("p", "capture-item-head");
  head.append(el("strong", "", t(kind)));
  const where = station(record);
  if (where) head.append(el("span", "muted", where));
  li.append(head);
  if (kind === "note") li.append(el("p", "capture-text", record.text));
  if (kind === "follow_up") {
    li.append(el("p", "capture-text", record.topic));
    if (record.message) li.append(el("p", "capture-extra", record.message));
    const shared = Boolean(record.share_contact);
    const state = el("p", "capture-meta kiosk-entry-consent", shared ? t("shared", { station: where }) : t("not_shared"));
    state.dataset.shared = String(shared);
    li.append(state);
    if (shared) {
      const status = el("p", "error-text", "");
      status.setAttribute("role", "alert");
      const button = el("button", "btn btn-small kiosk-withdraw", t("withdraw"));
      button.type = "button";
      button.addEventListener("click", () => withdraw(record, button, status));
      li.append(button, status);
    }
  }
  return li;
}

function draw() {
  $("kiosk-entries").hidden = entries.length === 0;
  $("kiosk-entry-list").replaceChildren(...entries.map(item));
}

live.onStart(() => {
  stations = new Map(readJson("capture-stations", []).map((s) => [s.id, s.name]));
  entries = fromMe(live.data.me || {});
  draw();
  live.on("kiosk_entry", (data) => { // made at a kiosk while this page is open
    if (!data || !data.record) return;
    entries = [data, ...entries.filter((e) => !(e.kind === data.kind && e.record.id === data.record.id))];
    draw();
  });
  live.onReconnect(async () => {
    const answer = await live.api("GET", "/me").catch(() => ({ status: 0 }));
    if (answer.status === 200) {
      entries = fromMe(answer.body);
      draw();
    }
  });
});
