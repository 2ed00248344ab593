/* On the host's tablet page: switch to kiosk mode. The host's own entries must be sent first;
 * then the host's outbox and the cached host page are removed from the tablet, and the kiosk
 * page replaces the host page in the history, so the kiosk never holds the host's token. */
import { live } from "./live-core.js";
import { $ } from "./dom.js";
import { strings } from "./strings.js";
import { forgetPage } from "./capture-offline.js";

const text = strings("kiosk-enter-i18n");

function problem(message) {
  const error = $("kiosk-enter-error");
  error.textContent = message;
  error.hidden = false;
}

/** Send what the host wrote; return how many entries are still waiting. */
async function flushHost() {
  const box = live.outbox;
  if (!box) return 0;
  await box.flushNow();
  return box.waiting();
}

/** Remove the host's traces from the tablet: its outbox and its cached page. */
async function forgetHost() {
  if (live.outbox) live.outbox.clear();
  await forgetPage();
}

async function enter(pin) {
  const waiting = await flushHost();
  if (waiting > 0) return problem(text("waiting", { n: waiting }));
  const answer = await live.api("POST", "/kiosk", { pin }).catch(() => ({ status: 0 }));
  if (answer.status !== 201) {
    const message = answer.body && answer.body.error ? answer.body.error.message : "";
    return problem(answer.status ? `${text("failed")} ${message}` : text("offline"));
  }
  await forgetHost();
  location.replace(answer.body.url);
  return null;
}

function mount() {
  const form = $("kiosk-enter-form");
  $("kiosk-enter-open").addEventListener("click", () => {
    form.hidden = false;
    $("kiosk-enter-open").hidden = true;
    $("kiosk-pin").focus();
  });
  $("kiosk-enter-cancel").addEventListener("click", () => {
    form.reset();
    form.hidden = true;
    $("kiosk-enter-open").hidden = false;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    $("kiosk-enter-error").hidden = true;
    const pin = $("kiosk-pin").value.trim();
    if (!/^[0-9]{4,8}$/.test(pin)) return problem(text("format"));
    if (pin !== $("kiosk-pin-again").value.trim()) return problem(text("mismatch"));
    return enter(pin);
  });
}

mount();
