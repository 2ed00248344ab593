// Facilitator console: re-plan the open rounds through the API with the console's own token.
const box = document.getElementById("plan-replan");
const button = box?.querySelector("[data-replan]");
const status = box?.querySelector("[data-replan-status]");
const t = box ? JSON.parse(box.dataset.i18n || "{}") : {};

function token() {
  const block = document.getElementById("live-data");
  return block ? JSON.parse(block.textContent).token : "";
}

button?.addEventListener("click", async () => {
  if (!window.confirm(t.confirm)) return;
  button.disabled = true;
  status.textContent = t.working;
  try {
    const response = await fetch(box.dataset.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token()}` },
      body: "{}",
    });
    const body = await response.json();
    if (!response.ok) {
      const lines = Object.values(body.error?.fields || {}).flat();
      status.textContent = `${t.failed} ${[body.error?.message, ...lines].filter(Boolean).join(" · ")}`;
      return;
    }
    const kept = body.metrics?.kept_rounds || 0;
    const people = new Set(body.assignments.filter((a) => a.round > kept).map((a) => a.participant_id));
    status.textContent = `${t.done} (${people.size} · ${kept + 1}–${body.metrics?.rounds ?? ""})`;
  } catch (err) {
    status.textContent = `${t.failed} ${err}`;
  } finally {
    button.disabled = false;
  }
});
