// Facilitator console: re-plan the open rounds through the API with the console's own token,
// then say what moved (kept rounds, who left, who was placed, whose route changed).
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
