// The plan page: start a planning job without leaving the page, show its progress, reload when done.
import { fill } from "./strings.js";

const box = document.getElementById("plan-progress");
const bar = box?.querySelector("progress");
const text = box?.querySelector(".plan-progress-text");
const problems = box?.querySelector(".plan-problems");
const t = box ? JSON.parse(box.dataset.i18n || "{}") : {};

function showFailure(message, lines) {
  text.textContent = `${t.failed} ${message || ""}`;
  problems.replaceChildren(...(lines || []).map((line) => {
    const item = document.createElement("li");
    item.textContent = line;
    return item;
  }));
  document.querySelectorAll("form[data-plan-job] button").forEach((b) => { b.disabled = false; });
}

function show(job) {
  box.hidden = false;
  const pct = Math.round((job.progress || 0) * 100);
  bar.value = pct;
  if (job.status === "running") {
    let line = fill(t.running, { pct: `${pct} %` });
    if (job.detail && job.detail.repeated_encounters !== undefined) {
      line += ` · ${fill(t.repeats, { num: job.detail.repeated_encounters })}`;
    }
    text.textContent = line;
  } else if (job.status === "done") {
    text.textContent = t.done;
  } else {
    showFailure(job.message, job.problems);
  }
}

async function poll(url) {
  for (;;) {
    let job;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.status === 404) { showFailure(t.lost, []); return; }
      job = await response.json();
    } catch (err) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    show(job);
    if (job.status === "done") {
      const page = new URL(window.location.href);
      page.searchParams.delete("job");
      page.hash = "metrics";
      window.location.replace(page.toString());
      if (page.pathname === window.location.pathname) window.location.reload();
      return;
    }
    if (job.status !== "running") return;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

document.querySelectorAll("form[data-plan-job]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    box.hidden = false;
    bar.value = 0;
    problems.replaceChildren();
    text.textContent = fill(t.running, { pct: "0 %" });
    try {
      const response = await fetch(form.action, {
        method: "POST", body: new FormData(form), headers: { Accept: "application/json" },
      });
      const job = await response.json();
      if (!response.ok) { showFailure(job.message, Object.values(job.fields || {}).flat()); return; }
      poll(job.status_url);
    } catch (err) {
      showFailure(String(err), []);
    }
  });
});

if (box && !box.hidden && box.dataset.statusUrl) poll(box.dataset.statusUrl);
