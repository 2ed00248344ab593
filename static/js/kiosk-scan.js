/* The personal code on a route card or name badge, read by the kiosk's camera or typed in.
 *
 * Route cards carry the participant's phone link (/p/<token>); badges carry a badge code
 * (/b/<id>-<check>) that names the person but opens nothing. personalCode() turns either, as a
 * URL or bare, into what a kiosk entry sends: {participant_token} or {badge}.
 * Scanning uses the browser's BarcodeDetector where there is one; without it the button stays
 * hidden and the code can be typed (or sent by a handheld scanner that types). No library. */

const BADGE = /^[0-9]{1,9}-[a-z2-7]{8,32}$/;
const TOKEN = /^[0-9A-Za-z_-]{16,64}$/;

/** Return {participant_token} or {badge} for a scanned or typed text, or null. */
export function personalCode(raw) {
  let value = String(raw || "").trim();
  try {
    const url = new URL(value);
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts.length !== 2 || !["p", "b"].includes(parts[0])) return null;
    value = decodeURIComponent(parts[1]);
    if (parts[0] === "b") return BADGE.test(value) ? { badge: value } : null;
    return TOKEN.test(value) ? { participant_token: value } : null;
  } catch (err) {
    /* not a URL: a bare code */
  }
  if (BADGE.test(value.toLowerCase())) return { badge: value.toLowerCase() };
  if (TOKEN.test(value)) return { participant_token: value };
  return null;
}

async function detectorAvailable() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return false;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes("qr_code");
  } catch (err) {
    return false;
  }
}

/** Show the scan button where possible; call found(code) for each personal code read.
 * Returns stop(): turn the camera off (the kiosk calls it whenever it forgets a person). */
export function mountScanner(found, onFail) {
  const start = document.getElementById("kiosk-scan-start");
  const box = document.getElementById("kiosk-scan-box");
  const video = document.getElementById("kiosk-scan-video");
  let stream = null;
  let running = false;
  const stop = () => {
    running = false;
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    video.srcObject = null;
    box.hidden = true;
  };
  const loop = async (detector) => {
    if (!running) return;
    try {
      const codes = await detector.detect(video);
      const code = codes.map((c) => personalCode(c.rawValue)).find(Boolean);
      if (code) {
        stop();
        found(code);
        return;
      }
    } catch (err) {
      /* the frame was not ready: try the next one */
    }
    setTimeout(() => loop(detector), 250);
  };
  start.addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" } });
    } catch (err) {
      onFail();
      return;
    }
    box.hidden = false;
    video.srcObject = stream;
    await video.play().catch(() => null);
    running = true;
    loop(new window.BarcodeDetector({ formats: ["qr_code"] }));
  });
  document.getElementById("kiosk-scan-stop").addEventListener("click", stop);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") stop();
  });
  detectorAvailable().then((yes) => (start.hidden = !yes));
  return stop;
}
