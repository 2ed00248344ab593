/* Scan a station's QR code with the phone's camera (BarcodeDetector, where the browser has it).
 * Without it the scan button stays hidden and the code is typed. No external library. */
import { text } from "./capture-common.js";

const CODE = /^[0-9A-Za-z-]{2,16}$/;

/** Return the station code in a scanned text: the code itself, ?station=CODE or a last /CODE. */
export function codeFrom(raw) {
  const value = String(raw || "").trim();
  if (CODE.test(value)) return value.toUpperCase();
  try {
    const url = new URL(value);
    const param = url.searchParams.get("station") || url.searchParams.get("code");
    if (param && CODE.test(param)) return param.toUpperCase();
    const last = url.pathname.split("/").filter(Boolean).pop();
    if (last && CODE.test(last)) return last.toUpperCase();
  } catch (err) {
    /* not a URL */
  }
  const tail = value.split(/[\s:/=]+/).filter(Boolean).pop();
  return tail && CODE.test(tail) ? tail.toUpperCase() : null;
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

/** Show the scan button where possible; call found(code) with a scanned code. */
export async function mountScanner(input, found) {
  const start = document.getElementById("scan-start");
  const box = document.getElementById("scan-box");
  const video = document.getElementById("scan-video");
  const stop = document.getElementById("scan-stop");
  if (!start || !(await detectorAvailable())) return;
  start.hidden = false;
  let stream = null;
  let running = false;
  const end = () => {
    running = false;
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    box.hidden = true;
  };
  const loop = async (detector) => {
    if (!running) return;
    try {
      const codes = await detector.detect(video);
      const code = codes.map((c) => codeFrom(c.rawValue)).find(Boolean);
      if (code) {
        end();
        input.value = code;
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
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (err) {
      input.placeholder = text("scan_failed");
      input.focus();
      return;
    }
    box.hidden = false;
    video.srcObject = stream;
    await video.play().catch(() => null);
    running = true;
    loop(new window.BarcodeDetector({ formats: ["qr_code"] }));
  });
  stop.addEventListener("click", end);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") end();
  });
}
