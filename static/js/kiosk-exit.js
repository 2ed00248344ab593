/* Leaving kiosk mode: only with the host's code, and only once every entry has been sent (the
 * kiosk's token ends with it, so nothing may be left waiting). */
import { live } from "./live-core.js";
import { setLabel } from "./kiosk-common.js";
import { $ } from "./dom.js";
import { forgetPage } from "./capture-offline.js";

function problem(key, values) {
  const error = $("kiosk-exit-error");
  setLabel(error, key, values);
  error.hidden = false;
}

async function leave(box, pin) {
  await box.flushNow();
  if (box.waiting() > 0) return problem("exit_waiting", { n: box.waiting() });
  document.body.dataset.leaving = "yes"; // the token ends now: no reload into "not valid"
  const answer = await live.api("POST", "/kiosk/exit", { pin }).catch(() => ({ status: 0 }));
  if (answer.status !== 200) delete document.body.dataset.leaving;
  if (answer.status === 200) {
    box.clear();
    await forgetPage();
    location.replace(answer.body.url); // the kiosk page does not stay in the history
    return null;
  }
  if (answer.status === 429) return problem("exit_too_many");
  if (answer.status === 403 || answer.status === 400) return problem("exit_wrong");
  return problem("exit_failed");
}

/** Wire the host button and the code dialog; reset() runs when the dialog opens. */
export function mountExit(box, reset) {
  const dialog = $("kiosk-exit");
  const input = $("kiosk-exit-pin");
  $("kiosk-host").addEventListener("click", () => {
    reset();
    $("kiosk-exit-error").hidden = true;
    dialog.showModal();
    input.focus();
  });
  $("kiosk-exit-cancel").addEventListener("click", () => dialog.close());
  $("kiosk-exit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const pin = input.value.trim();
    input.value = "";
    if (!/^[0-9]{4,8}$/.test(pin)) {
      problem("exit_wrong");
      return;
    }
    await leave(box, pin);
  });
}
