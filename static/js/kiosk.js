/* The station tablet in kiosk mode. A participant taps their name (or searches, or scans their
 * route card or badge), writes one entry, and the tablet forgets them: after each entry, or after
 * a minute without a touch, it goes back to the names and keeps nothing of the previous person
 * on screen or in memory. Entries go through the outbox as the participant's own. */
import { live, mountCountdown, start } from "./live-core.js";
import { prepareOffline } from "./capture-offline.js";
import { KioskOutbox, bi, setLabel } from "./kiosk-common.js";
import { mountScanButton, personalCode } from "./scanner.js";
import { mountExit } from "./kiosk-exit.js";
import { $, el } from "./dom.js";

const DONE_MS = 4000;
// the short personal code printed on route card and badge (ABCD-EFGH; no 0/O or 1/I)
const SHORT_CODE = /^[A-HJ-NP-Z2-9]{4}-?[A-HJ-NP-Z2-9]{4}$/;
let person = null; // {id?, name?, organisation?, who, credential} of the current entry only
let epoch = 0; // bumped at every reset: late answers for a forgotten person are dropped
let idleTimer = null;
let doneTimer = null;
let stopCamera = () => {};
let box = null;

function show(name) {
  for (const screen of document.querySelectorAll(".kiosk-screen")) {
    screen.hidden = screen.dataset.screen !== name;
  }
  document.body.dataset.screen = name;
  window.scrollTo(0, 0);
}

function clearChoices(selector) {
  for (const button of document.querySelectorAll(selector)) button.setAttribute("aria-pressed", "false");
}

/** Forget the current person: screens, inputs, search results, camera, timers. */
function reset() {
  epoch += 1;
  person = null;
  clearTimeout(doneTimer);
  stopCamera();
  for (const form of document.querySelectorAll("form")) form.reset();
  $("kiosk-search").value = "";
  $("kiosk-hello").replaceChildren();
  $("kiosk-found").replaceChildren();
  setLabel($("kiosk-search-note"), "search_hint");
  for (const id of ["kiosk-code-error", "kiosk-topic-error", "kiosk-consent-error", "kiosk-other",
    "kiosk-need-code"]) {
    $(id).hidden = true;
  }
  clearChoices(".kiosk-choice");
  const dialog = $("kiosk-exit");
  if (dialog.open) dialog.close();
  if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  show("roster");
  document.body.dataset.person = "";
}

function touched() {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(reset, (live.data.idle_s || 60) * 1000);
}

function choose(found) {
  person = found;
  const parts = [found.name ? bi("hello") : bi("hello_scanned")];
  if (found.name) {
    const who = found.organisation ? `${found.name} · ${found.organisation}` : found.name;
    parts.push(el("span", "kiosk-who", who));
  }
  $("kiosk-hello").replaceChildren(...parts);
  document.body.dataset.person = "chosen";
  // only the person's own code (route card, badge, personal code) lets them share contact details
  document.body.dataset.credential = found.credential ? "yes" : "no";
  $("kiosk-consent-box").hidden = !found.credential;
  $("kiosk-by-name").hidden = Boolean(found.credential);
  show("person");
}

function nameButton(entry) {
  const button = el("button", "kiosk-btn kiosk-name");
  button.type = "button";
  button.dataset.id = entry.id;
  button.append(el("span", "kiosk-name-text", entry.name));
  if (entry.organisation) button.append(el("span", "kiosk-org", entry.organisation));
  button.addEventListener("click", () => {
    if (entry.here === false) { // not at this station now: a name alone is not enough
      $("kiosk-need-code").hidden = false;
      $("kiosk-code").focus();
      return;
    }
    choose({ ...entry, who: { participant_id: entry.id }, credential: false });
  });
  return button;
}

function drawRoster(roster) {
  if (!roster || !Array.isArray(roster.people)) return;
  $("kiosk-roster").replaceChildren(...roster.people.map(nameButton));
  $("kiosk-roster-empty").hidden = roster.people.length > 0;
}

async function refreshRoster() {
  const answer = await live.api("GET", "/kiosk/roster").catch(() => ({ status: 0 }));
  if (answer.status === 200) drawRoster(answer.body);
}

function followRounds() {
  let key = null;
  live.onState((state) => {
    const now = [state.segment ? state.segment.index : "", state.round, state.phase].join(":");
    if (key !== null && now !== key) refreshRoster();
    key = now;
  });
  live.onReconnect(refreshRoster);
}

function mountSearch() {
  let timer = null;
  $("kiosk-search").addEventListener("input", (event) => {
    clearTimeout(timer);
    const query = event.target.value.trim();
    const asked = epoch;
    timer = setTimeout(async () => {
      if (query.length < 2) {
        $("kiosk-found").replaceChildren();
        setLabel($("kiosk-search-note"), "search_hint");
        return;
      }
      const q = encodeURIComponent(query);
      const answer = await live.api("GET", `/kiosk/people?q=${q}`).catch(() => ({ status: 0 }));
      if (asked !== epoch) return; // the person left meanwhile
      if (answer.status !== 200) {
        $("kiosk-found").replaceChildren();
        setLabel($("kiosk-search-note"), "search_offline");
        return;
      }
      $("kiosk-found").replaceChildren(...answer.body.map(nameButton));
      setLabel($("kiosk-search-note"), answer.body.length ? "search_hint" : "no_match");
    }, 250);
  });
}

/** Name the person of a scanned or typed code: by the server when it answers, else as "scanned"
 * (the entry then carries the code and the server resolves it when it arrives). */
async function identify(code) {
  const asked = epoch;
  const answer = await live.api("POST", "/kiosk/identify", code).catch(() => ({ status: 0 }));
  if (asked !== epoch) return;
  if (answer.status === 200) choose({ ...answer.body, who: code, credential: true });
  else if (answer.status === 0 || answer.status >= 500) choose({ who: code, credential: true });
  else $("kiosk-code-error").hidden = false;
}

function mountCode() {
  $("kiosk-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = $("kiosk-code").value.trim().toUpperCase().replace(/\s+/g, "");
    const code = SHORT_CODE.test(typed) ? { personal_code: typed } : personalCode($("kiosk-code").value);
    $("kiosk-code").value = "";
    $("kiosk-code-error").hidden = Boolean(code);
    if (code) identify(code);
  });
  stopCamera = mountScanButton("kiosk-scan", personalCode, identify, {
    facingMode: "user",
    onFail: () => setLabel($("kiosk-search-note"), "scan_failed"),
  });
}

/** Keep the entry for the chosen person in the outbox, then show "saved" and forget them. */
function record(kind, fields) {
  if (!person) return;
  box.add(kind, { ...fields, ...person.who });
  reset();
  show("done");
  doneTimer = setTimeout(reset, DONE_MS);
}

function pressed(selector) {
  return document.querySelector(`${selector}[aria-pressed="true"]`);
}

function mountContact() {
  const topics = document.querySelectorAll("#kiosk-topics .kiosk-choice");
  for (const button of topics) {
    button.addEventListener("click", () => {
      clearChoices("#kiosk-topics .kiosk-choice");
      button.setAttribute("aria-pressed", "true");
      $("kiosk-other").hidden = !button.hasAttribute("data-other");
      $("kiosk-topic-error").hidden = true;
      if (!$("kiosk-other").hidden) $("kiosk-other-topic").focus();
    });
  }
  for (const button of document.querySelectorAll(".kiosk-consent .kiosk-choice")) {
    button.addEventListener("click", () => {
      clearChoices(".kiosk-consent .kiosk-choice");
      button.setAttribute("aria-pressed", "true");
      $("kiosk-consent-error").hidden = true;
    });
  }
  $("kiosk-contact-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = pressed("#kiosk-topics .kiosk-choice");
    const topic = chosen && (chosen.hasAttribute("data-other")
      ? $("kiosk-other-topic").value.trim() : chosen.dataset.topic);
    const asked = Boolean(person && person.credential); // a name tapped alone: pseudonym only
    const share = pressed(".kiosk-consent .kiosk-choice");
    $("kiosk-topic-error").hidden = Boolean(topic);
    $("kiosk-consent-error").hidden = !asked || Boolean(share);
    if (!topic || (asked && !share)) return;
    const message = $("kiosk-message").value;
    const shareContact = asked && share.dataset.share === "yes";
    record("kiosk_follow_up", { topic, message, share_contact: shareContact });
  });
}

function mountEntries() {
  for (const button of document.querySelectorAll("[data-go]")) {
    button.addEventListener("click", () => {
      show(button.dataset.go);
      const topics = document.querySelectorAll("#kiosk-topics .kiosk-choice");
      if (button.dataset.go === "contact" && topics.length === 1) topics[0].click(); // type one
      if (button.dataset.go === "note") $("kiosk-note-text").focus();
    });
  }
  for (const button of document.querySelectorAll("[data-back]")) {
    button.addEventListener("click", () => show(person ? "person" : "roster"));
  }
  for (const button of document.querySelectorAll("[data-reset]")) button.addEventListener("click", reset);
  $("kiosk-note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("kiosk-note-text").value;
    if (!text.trim()) return;
    record("kiosk_note", { text });
  });
  $("kiosk-check-in").addEventListener("click", () => record("kiosk_check_in", {}));
  mountContact();
}

function mountStatus() {
  box.onChange(() => {
    const waiting = box.waiting();
    const status = $("kiosk-waiting");
    status.dataset.waiting = String(waiting);
    status.hidden = waiting === 0;
    if (waiting) setLabel(status, "waiting", { n: waiting });
    const failed = $("kiosk-failed");
    failed.dataset.failed = String(box.failed());
    failed.hidden = box.failed() === 0;
    if (box.failed()) setLabel(failed, "failed", { n: box.failed() });
  });
  let seen = 0;
  box.onChange(() => { // someone checked in: the names may have grown (walk-ins)
    const sent = box.sentCount || 0;
    if (sent !== seen) refreshRoster();
    seen = sent;
  });
}

start();
box = new KioskOutbox({ key: `k:${live.token}`, token: live.token, getSocket: () => live.socket });
live.outbox = box;
drawRoster(live.data.roster);
mountCountdown($("countdown"));
followRounds();
mountSearch();
mountCode();
mountEntries();
mountStatus();
mountExit(box, reset);
for (const name of ["pointerdown", "keydown", "input", "touchstart"]) {
  document.addEventListener(name, touched, { capture: true, passive: true });
}
reset();
touched();
box.watch();
window.parcours.kiosk = { reset }; // the test hook (live-core.js)
prepareOffline("/k/");
