// Facilitator console: the attendance list. Search, filter, select, and mark present or absent
// in one go; the server takes the absent out of the rounds to come and places late arrivals.
import { live } from "./live-core.js";
import { readJson } from "./dom.js";
import { fill } from "./strings.js";

const box = document.getElementById("attendance");
const t = box ? JSON.parse(box.dataset.i18n || "{}") : {};
const $ = (sel) => box.querySelector(sel);
let people = [];
const chosen = new Set();

function token() {
  return readJson("live-data", {}).token || "";
}

async function call(method, body) {
  const response = await fetch(box.dataset.url, {
    method,
    headers: {
      "Content-Type": "application/json",
      "Accept-Language": document.documentElement.lang || "de",
      Authorization: `Bearer ${token()}`,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error?.message || String(response.status));
  return data;
}

function fold(text) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function shown() {
  const words = fold($("#attendance-search").value).split(/\s+/).filter(Boolean);
  const filter = $("#attendance-filter").value;
  return people.filter((p) => {
    const hay = fold(`${p.name} ${p.organisation}`);
    if (!words.every((w) => hay.includes(w))) return false;
    if (filter === "present") return p.present;
    if (filter === "absent") return !p.present;
    if (filter === "late") return p.late;
    if (filter === "no_route") return p.present && p.open_places < data.open_rounds;
    return true;
  });
}

let data = { open_rounds: 0 };

function badge(text, cls) {
  const span = document.createElement("span");
  span.className = `badge ${cls}`;
  span.textContent = text;
  return span;
}

function row(p) {
  const li = document.createElement("li");
  li.dataset.participant = String(p.id);
  li.dataset.present = p.present ? "yes" : "no";
  const label = document.createElement("label");
  label.className = "check attendance-person";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.checked = chosen.has(p.id);
  box.addEventListener("change", () => {
    if (box.checked) chosen.add(p.id);
    else chosen.delete(p.id);
    drawSelected();
  });
  const name = document.createElement("span");
  name.className = "attendance-name";
  name.textContent = p.name;
  label.append(box, name);
  if (p.organisation) {
    const org = document.createElement("span");
    org.className = "muted";
    org.textContent = p.organisation;
    label.append(org);
  }
  li.append(label, badge(p.present ? t.present : t.absent, p.present ? "badge-ok" : "badge-off"));
  if (p.late) li.append(badge(t.late, "badge-late"));
  if (p.present && p.open_places < data.open_rounds) li.append(badge(t.no_route, "badge-warn"));
  return li;
}

function drawSelected() {
  $("[data-attendance-selected]").textContent = chosen.size ? fill(t.selected, { n: chosen.size }) : "";
}

function draw() {
  const list = shown();
  const ul = $("#attendance-list");
  if (!list.length) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = t.nobody;
    ul.replaceChildren(li);
  } else {
    ul.replaceChildren(...list.map(row));
  }
  $("[data-attendance-count]").textContent = fill(t.count, { present: data.present, total: people.length });
  $("#attendance-all").checked = list.length > 0 && list.every((p) => chosen.has(p.id));
  drawSelected();
}

function take(answer) {
  data = answer;
  people = answer.participants || [];
  const known = new Set(people.map((p) => p.id));
  for (const id of [...chosen]) if (!known.has(id)) chosen.delete(id);
  draw();
}

async function load() {
  try {
    take(await call("GET"));
  } catch (err) {
    $("[data-attendance-status]").textContent = `${t.failed} ${err.message}`;
  }
}

if (box) {
  $("#attendance-search").addEventListener("input", draw);
  $("#attendance-filter").addEventListener("change", draw);
  $("#attendance-all").addEventListener("change", (event) => {
    for (const p of shown()) {
      if (event.target.checked) chosen.add(p.id);
      else chosen.delete(p.id);
    }
    draw();
  });
  for (const button of box.querySelectorAll("[data-attendance-set]")) {
    button.addEventListener("click", async () => {
      if (!chosen.size) return;
      const status = $("[data-attendance-status]");
      button.disabled = true;
      try {
        const present = button.dataset.attendanceSet === "true";
        take(await call("POST", { participant_ids: [...chosen], present }));
        chosen.clear();
        draw();
        status.textContent = t.saved;
      } catch (err) {
        status.textContent = `${t.failed} ${err.message}`;
      } finally {
        button.disabled = false;
      }
    });
  }
  document.addEventListener("parcours:replanned", load);
  let pending = null; // another console changed the plan: read the list again (once per burst)
  live.on("plan", () => {
    clearTimeout(pending);
    pending = setTimeout(load, 300);
  });
  load();
}
