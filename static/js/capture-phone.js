/* Capture on the participant's phone: notes, "please contact me", check-in, the wall, own log.
 * Every write goes through the outbox (kept on the phone until the server has it). */
import { live } from "./live-core.js";
import { Outbox } from "./outbox.js";
import { prepareOffline } from "./capture-offline.js";
import { mountLog, text } from "./capture-common.js";
import { mountPhoneWall } from "./capture-wall.js";
import { mountScanButton, stationCode } from "./scanner.js";
import { $, readJson } from "./dom.js";
const OTHER = "__other__";

function fillTopics(stations) {
  const station = stations.find((s) => String(s.id) === $("follow-up-station").value);
  const select = $("follow-up-topic");
  select.replaceChildren();
  for (const topic of (station && station.topics) || []) {
    const option = document.createElement("option");
    option.value = topic;
    option.textContent = topic;
    select.append(option);
  }
  const other = document.createElement("option");
  other.value = OTHER;
  other.textContent = text("other_topic");
  select.append(other);
  showOther();
}

function showOther() {
  const other = $("follow-up-other");
  other.hidden = $("follow-up-topic").value !== OTHER;
  other.required = !other.hidden;
}

function mountForms(box, stations) {
  const current = $("capture").dataset.currentStation;
  if (current) {
    $("note-station").value = current;
    $("follow-up-station").value = current;
  }
  fillTopics(stations);
  followRound();
  $("follow-up-station").addEventListener("change", () => fillTopics(stations));
  $("follow-up-topic").addEventListener("change", showOther);
  onSubmit("note-form", (form) => {
    const station = form.station_id.value;
    box.add("note", { text: form.text.value, station_id: station ? Number(station) : null });
    form.text.value = "";
  });
  onSubmit("follow-up-form", (form) => {
    const choice = form.topic_choice.value;
    box.add("follow_up", {
      station_id: Number(form.station_id.value),
      topic: choice === OTHER ? form.topic_other.value.trim() : choice,
      message: form.message.value,
      share_contact: form.share_contact.checked,
    });
    form.message.value = "";
    form.topic_other.value = "";
    form.share_contact.checked = false;
  });
  onSubmit("check-in-form", (form) => {
    if (!checkIn(box, stations, form.station_code.value)) return false;
    form.station_code.value = "";
    return true;
  });
}

/** Check a typed or scanned station code against the event's stations before keeping it:
 * a wrong code is answered at once and plainly, and nothing is saved. */
function checkIn(box, stations, raw) {
  const code = String(raw || "").replace(/[\s\-]+/g, "").toUpperCase();
  const known = stations.find((s) => String(s.code || "").toUpperCase() === code);
  const input = $("check-in-code");
  const problem = $("check-in-error");
  if (!known) {
    problem.textContent = code ? text("wrong_code", { code }) : text("no_code");
    problem.hidden = false;
    input.setAttribute("aria-invalid", "true");
    const saved = $("check-in-form").querySelector(".capture-saved");
    if (saved) saved.textContent = "";
    input.focus();
    return false;
  }
  problem.hidden = true;
  input.removeAttribute("aria-invalid");
  box.add("check_in", { station_code: code });
  return true;
}

/** Keep the note's station on the station of the current round until the user picks one. */
function followRound() {
  const select = $("note-station");
  let touched = false;
  select.addEventListener("change", () => (touched = true));
  live.onState((state) => {
    const me = live.data.me || {};
    const seg = state.segment;
    if (touched || !seg || seg.index !== me.segment_index || !state.round) return;
    if (!["running", "transition", "paused"].includes(state.phase)) return;
    const step = (me.route || []).find((s) => s.round === state.round);
    if (step) select.value = String(step.station.id);
  });
}

function onSubmit(id, handle) {
  const form = $(id);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (form.id !== "check-in-form" && !form.reportValidity()) return;
    if (handle(form) === false) return;
    flash(form);
  });
}

function flash(form) {
  let note = form.querySelector(".capture-saved");
  if (!note) {
    note = document.createElement("p");
    note.className = "capture-saved";
    note.setAttribute("role", "status");
    form.append(note);
  }
  note.textContent = text("saved");
}

/** Check in with the code of a station's QR code that the phone's camera app opened (/c/CODE
 * sends the phone here with #check-in=CODE); the hash is dropped so a reload does not repeat it. */
function checkInFromLink(checkIn) {
  const match = /^#check-in=([0-9A-Za-z-]{2,16})$/.exec(location.hash);
  if (!match) return;
  history.replaceState(null, "", location.pathname + location.search);
  checkIn(match[1].toUpperCase());
  $("check-in-form").scrollIntoView({ block: "center" });
}

function serverRecords(me) {
  const rows = [];
  for (const [kind, key] of [["note", "notes"], ["follow_up", "follow_ups"],
    ["check_in", "check_ins"], ["wall_card", "wall_cards"]]) {
    for (const record of me[key] || []) rows.push({ kind, record });
  }
  return rows;
}

live.onStart(() => {
  const stations = readJson("capture-stations", []);
  const box = new Outbox({ key: `p:${live.token}`, token: live.token, getSocket: () => live.socket });
  const names = new Map(stations.map((s) => [s.id, s.name]));
  mountForms(box, stations);
  mountLog(box, { server: serverRecords(live.data.me || {}), stations: names });
  mountPhoneWall(box);
  const scanned = (code) => {
    $("check-in-code").value = code;
    if (checkIn(box, stations, code)) flash($("check-in-form"));
  };
  mountScanButton("scan", stationCode, scanned, {
    onFail: () => {
      $("check-in-code").placeholder = text("scan_failed");
      $("check-in-code").focus();
    },
  });
  checkInFromLink(scanned);
  box.watch();
  live.outbox = box;
  prepareOffline("/p/");
});
