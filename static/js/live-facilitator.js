/* The facilitator's console: clock controls (buttons and keys), announcements, presence. */
import { clockTime, drawHeading, isActive, live, mountCountdown, start, t } from "./live-core.js";
import { $ } from "./dom.js";

start();
const toggle = $("toggle");

function showError(answer) {
  const box = $("console-error");
  if (answer.status >= 200 && answer.status < 300) {
    box.hidden = true;
    return;
  }
  const message = answer.body && answer.body.error ? answer.body.error.message : String(answer.status);
  box.textContent = `${t("failed")} ${message}`;
  box.hidden = false;
}

async function act(action, seconds) {
  const body = seconds === undefined ? { action } : { action, seconds };
  const answer = await live.send("clock", body);
  showError(answer);
  if (answer.status === 200 && answer.body) live.setState(answer.body);
}

function toggleAction(state) {
  if (state.phase === "not_started") return "start";
  if (state.phase === "paused") return "resume";
  if (state.phase === "running" || state.phase === "transition") return "pause";
  return null;
}

function nextText(state) {
  const next = state.next;
  if (!next) return state.phase === "finished" ? "–" : t("end");
  const title = next.segment ? next.segment.title : "";
  if (next.phase === "transition") return `${title} · ${t("transition")}`;
  return next.round ? `${title} · ${t("next_round", { n: next.round })}` : title;
}

function draw(state) {
  const seg = state.segment;
  drawHeading(state);
  $("auto-label").hidden = !state.auto_advance;
  $("next-text").textContent = nextText(state);
  const action = toggleAction(state);
  toggle.dataset.action = action || "start";
  toggle.textContent = action ? t(action) : t("finished");
  toggle.disabled = !action;
  for (const li of document.querySelectorAll("#agenda li")) {
    const index = Number(li.dataset.index);
    const current = seg && index === seg.index && state.phase !== "finished";
    li.toggleAttribute("aria-current", Boolean(current));
    li.classList.toggle("done", Boolean(seg && (index < seg.index || state.phase === "finished")));
  }
}

const plural = new Intl.PluralRules(document.documentElement.lang || "de");

// Latest counts per server process (several processes can serve one event through Redis);
// a process that stopped repeating its counts for three heartbeats is forgotten.
const processes = new Map();

function drawPresence(counts) {
  const now = Date.now();
  processes.set(counts.process || "-", { counts, at: now });
  for (const [key, entry] of processes) {
    if (now - entry.at > 3000 * (entry.counts.every_s || 20)) processes.delete(key);
  }
  for (const el of document.querySelectorAll("[data-count]")) {
    let sum = 0;
    for (const entry of processes.values()) sum += Number(entry.counts[el.dataset.count] ?? 0);
    el.textContent = String(sum);
    const label = document.querySelector(`[data-count-label="${el.dataset.count}"]`);
    if (label) label.textContent = plural.select(sum) === "one" ? label.dataset.one : label.dataset.other;
  }
  // With several server processes: how the phones spread over them (a proxy balancing badly,
  // or a process that lost its sockets, shows here).
  const spread = $("presence-processes");
  if (!spread) return;
  const phones = [...processes.values()].map((entry) => Number(entry.counts.participants ?? 0));
  spread.dataset.processes = String(processes.size);
  spread.dataset.phones = phones.join(",");
  spread.hidden = processes.size < 2;
  spread.textContent = `${t("processes", { n: processes.size })}: ${phones.join(" · ")}`;
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button || button.disabled) return;
  if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
  const seconds = button.dataset.seconds === undefined ? undefined : Number(button.dataset.seconds);
  act(button.dataset.action, seconds);
});

document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]") || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === " " || event.code === "Space") {
    event.preventDefault(); // space is pause/resume everywhere, never "press the focused button"
    const action = live.state && toggleAction(live.state);
    if (action) act(action);
  } else if (event.key === "ArrowRight") {
    event.preventDefault();
    act("next");
  } else if (event.key === "ArrowLeft") {
    event.preventDefault();
    act("previous");
  }
});

document.addEventListener("keyup", (event) => {
  if ((event.key === " " || event.code === "Space") && event.target.closest("button")) {
    event.preventDefault();
  }
});

$("announce-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const field = $("announce-text");
  const text = field.value.trim();
  if (!text) return;
  const minutes = Number($("announce-minutes").value) || 10;
  const answer = await live.send("announce", { text, minutes });
  const status = $("announce-status");
  if (answer.status === 201) {
    field.value = "";
    status.textContent = t("sent");
    addActive(answer.body);
  } else {
    status.textContent = `${t("failed")} ${answer.body?.error?.message || answer.status}`;
  }
});

// The announcements showing now, each with the time it goes and a button to take it down.
const active = new Map();

function drawActive() {
  for (const [id, item] of active) if (!isActive(item)) active.delete(id);
  const items = [...active.values()].sort((a, b) => b.id - a.id);
  $("announce-none").hidden = items.length > 0;
  $("announce-active").replaceChildren(
    ...items.map((item) => {
      const li = document.createElement("li");
      li.dataset.announcement = item.id;
      const text = document.createElement("span");
      text.className = "announce-text";
      text.textContent = item.text;
      const until = document.createElement("small");
      until.className = "muted";
      until.textContent = t("until", { time: clockTime(new Date(item.ends_at)) });
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn btn-small";
      remove.dataset.endAnnouncement = item.id;
      remove.textContent = t("remove");
      li.append(text, " ", until, " ", remove);
      return li;
    }),
  );
}

function addActive(item) {
  if (item && item.id && isActive(item)) active.set(item.id, item);
  drawActive();
}

for (const item of live.data.announcements || []) addActive(item);
live.on("announcement", addActive);
live.on("announcement_end", (message) => {
  active.delete(message.id);
  drawActive();
});
setInterval(drawActive, 15000);

$("announce-active").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-end-announcement]");
  if (!button || !live.state) return;
  button.disabled = true;
  const id = Number(button.dataset.endAnnouncement);
  const answer = await live.api("DELETE", `/events/${live.state.event_id}/announcements/${id}`);
  if (answer.status === 200) {
    active.delete(id);
    drawActive();
  } else {
    button.disabled = false;
    $("announce-status").textContent = `${t("failed")} ${answer.body?.error?.message || answer.status}`;
  }
});

mountCountdown($("countdown"));
live.onState(draw);
live.on("presence", drawPresence);

const frame = document.querySelector(".preview-frame");
if (frame) {
  const fit = () => frame.style.setProperty("--preview-scale", String(frame.clientWidth / 1280));
  fit();
  window.addEventListener("resize", fit);
}
