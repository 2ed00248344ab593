// Facilitator console: re-plan the open rounds through the API with the console's own token,
// then say what moved (kept rounds, who left, who was placed, whose route changed).
import { live } from "./live-core.js";
import { readJson } from "./dom.js";
import { fill } from "./strings.js";

const box = document.getElementById("plan-replan");
const button = box?.querySelector("[data-replan]");
const status = box?.querySelector("[data-replan-status]");
const t = box ? JSON.parse(box.dataset.i18n || "{}") : {};

function token() {
  return readJson("live-data", {}).token || "";
}

function line(key, people) {
  const p = document.createElement("p");
  p.dataset.change = key;
  const shown = people.slice(0, 15).map((x) => x.name);
  if (people.length > shown.length) shown.push(`… (+${people.length - shown.length})`);
  p.textContent = fill(t[key], { names: shown.join(", ") });
  return p;
}

/** One line: how many people have a route in the open rounds, and which rounds those are. */
function scope(body) {
  const kept = body.metrics?.kept_rounds || 0;
  const open = (body.assignments || []).filter((a) => a.round > kept);
  const people = new Set(open.map((a) => a.participant_id));
  return ` (${people.size} · ${kept + 1}–${body.metrics?.rounds ?? ""})`;
}

export function showChanges(target, changes, body = {}) {
  const lines = [];
  const head = document.createElement("p");
  head.textContent = t.done + (body.assignments ? scope(body) : "")
    + (changes.kept_rounds ? " " + fill(t.kept, { n: changes.kept_rounds }) : "");
  lines.push(head);
  let any = false;
  for (const key of ["removed", "placed", "moved", "unplaced"]) {
    if ((changes[key] || []).length) {
      lines.push(line(key, changes[key]));
      if (key !== "unplaced") any = true;
    }
  }
  if (!any) {
    const none = document.createElement("p");
    none.dataset.change = "none";
    none.textContent = t.none;
    lines.push(none);
  }
  target.replaceChildren(...lines);
}

/** The parcours re-planning changes: the one running, else the next (as the server picks it).
 * Returns its lock line element and how many of its rounds have started. */
function openParcours(state) {
  const lines = [...box.querySelectorAll("[data-replan-lock]")];
  if (!lines.length) return null;
  const at = state.segment ? state.segment.index : -1;
  for (const el of lines) {
    const index = Number(el.dataset.replanLock);
    const rounds = Number(el.dataset.rounds);
    let started = 0;
    if (state.phase === "finished" || index < at) started = rounds;
    else if (state.phase !== "not_started" && index === at) started = Math.min(state.round || 0, rounds);
    if (started < rounds) return { el, started };
  }
  return { el: lines[0], started: 0 };
}

/** Follow the clock: show the lock of the parcours running or next, and act on it. */
function follow(state) {
  const open = openParcours(state);
  if (!open) return;
  for (const el of box.querySelectorAll("[data-replan-lock]")) {
    el.hidden = el !== open.el || !el.textContent.trim();
  }
  t.confirm = open.el.dataset.locked === "true" ? t.explain_locked : t.explain_open;
  box.querySelector("[data-replan-explain]").textContent = t.confirm;
  button.textContent = fill(t.button, { n: open.started + 1 });
}

if (box) live.onState(follow);

button?.addEventListener("click", async () => {
  if (!window.confirm(t.confirm)) return;
  button.disabled = true;
  status.textContent = t.working;
  try {
    const response = await fetch(box.dataset.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Accept-Language": document.documentElement.lang || "de",
        Authorization: `Bearer ${token()}`,
      },
      body: "{}",
    });
    const body = await response.json();
    if (!response.ok) {
      const lines = Object.values(body.error?.fields || {}).flat();
      status.textContent = `${t.failed} ${[body.error?.message, ...lines].filter(Boolean).join(" · ")}`;
      return;
    }
    showChanges(status, body.changes || {}, body);
    document.dispatchEvent(new CustomEvent("parcours:replanned"));
  } catch (err) {
    status.textContent = `${t.failed} ${err}`;
  } finally {
    button.disabled = false;
  }
});
