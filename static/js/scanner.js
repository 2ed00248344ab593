/* One QR scanner for the participant's phone and the station tablet's kiosk.
 *
 *   const stop = await startScanner(videoEl, (text) => usable(text));  // camera on, scanning
 *   mountScanButton("scan", parse, found, { facingMode, onFail })       // the usual buttons
 *
 * The browser's own BarcodeDetector is used where it reads QR codes (Chrome on Android, Safari
 * from iOS 17 with the flag, …). Everywhere else (every other iPhone, Firefox, desktop Linux
 * Chromium) the page loads jsQR (npm `jsqr`, self-hosted in static/vendor), but only when
 * someone taps "scan": the phone page itself stays light. jsQR is plain JavaScript: no
 * WebAssembly and no worker made from a blob, so it runs under the page's strict
 * Content-Security-Policy (script-src 'self').
 * A camera needs a secure page (HTTPS or localhost); without one the scan button stays hidden
 * and the code can be typed. */

const DECODER = new URL("../vendor/jsQR.js", import.meta.url).href; // the server adds ?v=
const STATION = /^[0-9A-Za-z-]{2,16}$/;
const BADGE = /^[0-9]{1,9}-[a-z2-7]{8,32}$/;
const TOKEN = /^[0-9A-Za-z_-]{16,64}$/;
const MAX_SIDE = 640; // frames are scaled down to this before jsQR reads them
let jsqrLoading = null;

/** Return the station code in a scanned text: the code itself, …/c/CODE, ?station=CODE. */
export function stationCode(raw) {
  const value = String(raw || "").trim();
  if (STATION.test(value)) return value.toUpperCase();
  try {
    const url = new URL(value);
    const param = url.searchParams.get("station") || url.searchParams.get("code");
    if (param && STATION.test(param)) return param.toUpperCase();
    const last = url.pathname.split("/").filter(Boolean).pop();
    if (last && STATION.test(last)) return last.toUpperCase();
  } catch (err) {
    /* not a URL */
  }
  const tail = value.split(/[\s:/=]+/).filter(Boolean).pop();
  return tail && STATION.test(tail) ? tail.toUpperCase() : null;
}

/** Return {participant_token} (route card: /p/<token>) or {badge} (/b/<id>-<check>), or null. */
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

/** Return whether this page may use a camera at all (a secure page with getUserMedia). */
export function canScan() {
  return Boolean(window.isSecureContext && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia);
}

async function nativeReader() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    return async (video) => (await detector.detect(video)).map((code) => code.rawValue);
  } catch (err) {
    return null;
  }
}

function loadJsqr() {
  if (window.jsQR) return Promise.resolve(window.jsQR);
  jsqrLoading ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = DECODER;
    script.async = true;
    script.onload = () => (window.jsQR ? resolve(window.jsQR) : reject(new Error("no jsQR")));
    script.onerror = () => {
      jsqrLoading = null;
      script.remove();
      reject(new Error("the QR decoder did not load"));
    };
    document.head.append(script);
  });
  return jsqrLoading;
}

async function jsqrReader() {
  const jsQR = await loadJsqr();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (!width || !height) return [];
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const pixels = context.getImageData(0, 0, width, height);
    const found = jsQR(pixels.data, width, height, { inversionAttempts: "dontInvert" });
    return found && found.data ? [found.data] : [];
  };
}

/** Return the reader in use: "native" (BarcodeDetector) or "jsqr"; for the page's tests. */
export let readerKind = null;

/** Turn the camera on in video and read QR codes until onText(text) returns something other
 * than false. Resolves to stop() (camera off); rejects when there is no camera or decoder. */
export async function startScanner(video, onText, { facingMode = "environment", every = 200 } = {}) {
  if (!canScan()) throw new Error("no camera on this page");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode }, audio: false });
  let running = true;
  let timer = null;
  const stop = () => {
    running = false;
    clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    if (video.srcObject === stream) video.srcObject = null;
  };
  try {
    video.muted = true;
    video.setAttribute("playsinline", "");
    video.srcObject = stream;
    await video.play().catch(() => null);
    const native = await nativeReader();
    readerKind = native ? "native" : "jsqr";
    const read = native || (await jsqrReader());
    const tick = async () => {
      if (!running) return;
      if (video.readyState >= 2) {
        const texts = await read(video).catch(() => []);
        for (const text of texts) {
          if (running && onText(text) !== false) {
            stop();
            return;
          }
        }
      }
      if (running) timer = setTimeout(tick, every);
    };
    tick();
  } catch (err) {
    stop();
    throw err;
  }
  return stop;
}

/** Wire the usual buttons #<prefix>-start, -box, -video, -stop: found(parse(text)) for the
 * first text that parse() accepts. Returns stop() (the page calls it whenever it resets). */
export function mountScanButton(prefix, parse, found, { facingMode = "environment", onFail } = {}) {
  const $ = (part) => document.getElementById(`${prefix}-${part}`);
  const start = $("start");
  const box = $("box");
  const video = $("video");
  let stopCamera = null;
  const stop = () => {
    if (stopCamera) stopCamera();
    stopCamera = null;
    if (box) box.hidden = true;
  };
  if (!start || !video || !canScan()) return stop;
  start.hidden = false;
  start.addEventListener("click", async () => {
    stop();
    box.hidden = false;
    const body = document.body.dataset;
    body.scanning = "starting";
    let done = false;
    try {
      const stopThis = await startScanner(video, (text) => {
        const value = parse(text);
        if (!value) return false;
        done = true;
        stop();
        delete body.scanning;
        found(value);
        return true;
      }, { facingMode });
      if (!done) {
        stopCamera = stopThis;
        body.scanning = readerKind;
      }
    } catch (err) {
      stop();
      delete body.scanning;
      if (onFail) onFail(err);
    }
  });
  const stopButton = $("stop");
  if (stopButton) stopButton.addEventListener("click", stop);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") stop();
  });
  return stop;
}
