/* Capture on the station host's tablet: notes, leads, the station's follow-up requests, its
 * check-in QR code. Notes and leads go through the outbox (kept until the server has them). */
import { live } from "./live-core.js";
import { Outbox } from "./outbox.js";
import { prepareOffline } from "./capture-offline.js";
import { mountLog, text } from "./capture-common.js";
import { mountScanButton, personalCode } from "./scanner.js";
import { $, el } from "./dom.js";
let chosen = null;

function choose(person) {
  chosen = person;
  const pseudonym = person ? `P-${String(person.id).padStart(4, "0")}` : "";
  $("lead-chosen").textContent = person
    ? `${text("chosen", { name: person.name })} ${text("chosen_pseudonym", { name: person.name, pseudonym })}`
    : "";
  $("lead-error").hidden = true;
  for (const button of document.querySelectorAll(".lead-person")) {
    button.setAttribute("aria-checked", String(Boolean(person) && button.dataset.id === String(person.id)));
  }
}

function personButton(person) {
  const button = el("button", "btn btn-small lead-person");
  button.type = "button";
  button.setAttribute("role", "radio");
  button.dataset.id = person.id;
  button.append(el("span", "lead-name", person.name));
  if (person.organisation) button.append(el("span", "lead-org muted", person.organisation));
  button.addEventListener("click", () => choose(person));
  return button;
}

function drawRoster(roster) {
  if (!roster) return;
  const people = [...(roster.expected || []), ...(roster.walk_ins || [])].map((p) => ({
    id: p.participant_id, name: p.name, organisation: p.organisation,
  }));
  $("lead-roster").replaceChildren(...people.map(personButton));
  choose(chosen);
}

function mountSearch(eventId) {
  let timer = null;
  $("lead-search").addEventListener("input", (event) => {
    clearTimeout(timer);
    const query = event.target.value.trim();
    timer = setTimeout(async () => {
      if (query.length < 2) {
        $("lead-found").replaceChildren();
        return;
      }
      const q = encodeURIComponent(query);
      const { status, body } = await live.api("GET", `/events/${eventId}/people?q=${q}`)
        .catch(() => ({}));
      if (status !== 200) return;
      const found = body.length ? body.map(personButton) : [el("p", "muted", text("no_match"))];
      $("lead-found").replaceChildren(...found);
      choose(chosen);
    }, 250);
  });
}

function mountForms(box) {
  $("host-note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (!form.reportValidity()) return;
    box.add("note", { text: form.text.value });
    form.text.value = "";
  });
  $("lead-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (!chosen) {
      $("lead-error").hidden = false;
      return;
    }
    if (!form.reportValidity()) return;
    const body = { participant_id: chosen.id, topic: form.topic.value.trim(), note: form.note.value };
    box.add("lead", body, { label: chosen.name });
    form.topic.value = "";
    form.note.value = "";
    choose(null);
  });
}

function followUpNode(row) {
  const li = el("li", "capture-item follow-up");
  li.dataset.id = row.id;
  const who = row.participant || {};
  const head = el("p", "capture-item-head");
  head.append(el("strong", "follow-up-who", who.name || who.pseudonym || ""));
  if (who.organisation) head.append(el("span", "muted", who.organisation));
  li.append(head, el("p", "capture-text", row.topic));
  if (row.message) li.append(el("p", "capture-extra", row.message));
  const contact = [who.email, who.phone].filter(Boolean).join(" · ");
  li.append(el("p", "capture-meta muted", contact || text("pseudonym_only")));
  return li;
}

function mountFollowUps(eventId, stationId) {
  const rows = new Map();
  const draw = () => {
    const sorted = [...rows.values()].sort((a, b) => b.id - a.id);
    $("follow-ups").replaceChildren(...sorted.map(followUpNode));
    $("follow-ups-empty").hidden = sorted.length > 0;
    $("follow-up-count").textContent = String(sorted.length);
  };
  const load = async () => {
    const path = `/events/${eventId}/stations/${stationId}/follow-ups`;
    const { status, body } = await live.api("GET", path).catch(() => ({}));
    if (status !== 200) return;
    for (const row of body) rows.set(row.id, row);
    draw();
  };
  live.on("follow_up", (row) => {
    rows.set(row.id, row);
    // consent is per person and station: their other requests show the same details now
    const who = row.participant || {};
    for (const other of rows.values()) {
      if (other.participant && other.participant.pseudonym === who.pseudonym) {
        other.participant = who;
        other.contact_shared = row.contact_shared;
      }
    }
    draw();
  });
  live.onReconnect(load);
  load();
}

/** Pick the lead's participant from their badge or route card, read by the tablet's camera. */
function mountLeadScan(eventId) {
  const error = (key) => {
    $("lead-scan-error").textContent = key ? text(key) : "";
    $("lead-scan-error").hidden = !key;
  };
  mountScanButton("lead-scan", personalCode, async (who) => {
    error(null);
    const { status, body } = await live.api("POST", `/events/${eventId}/people/identify`, who)
      .catch(() => ({}));
    if (status === 200) choose(body);
    else error(status >= 400 && status < 500 ? "scan_unknown" : "scan_offline");
  }, { onFail: () => error("scan_no_camera") });
}

async function showQr(eventId, stationId) {
  try {
    const response = await fetch(`/api/v1/events/${eventId}/stations/${stationId}/check-in-qr`, {
      headers: { Authorization: `Bearer ${live.token}` },
    });
    if (!response.ok) return;
    const img = $("check-in-qr");
    img.src = URL.createObjectURL(await response.blob());
    img.hidden = false;
  } catch (err) {
    /* offline: the code is shown as text */
  }
}

live.onStart(() => {
  const root = $("capture");
  const eventId = Number(root.dataset.event);
  const stationId = Number(root.dataset.station);
  const box = new Outbox({ key: `h:${live.token}`, token: live.token, getSocket: () => live.socket });
  mountForms(box);
  mountLog(box);
  drawRoster(live.data.roster);
  live.on("roster", drawRoster);
  mountSearch(eventId);
  mountLeadScan(eventId);
  mountFollowUps(eventId, stationId);
  showQr(eventId, stationId);
  box.watch();
  live.outbox = box; // kiosk-enter.js sends and forgets it
  prepareOffline("/h/");
});
