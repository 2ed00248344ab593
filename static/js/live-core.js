/* parcours live core: the socket, the server's clock and the countdown, shared by every live page.
 *
 * Other modules use it like this:
 *
 *   import { live } from "./live-core.js";
 *   live.socket            the Socket.IO socket of namespace /live (null until started)
 *   live.state             the last `state` object (same shape as GET /api/v1/events/{id}/state)
 *   live.onState(fn)       call fn(state) now if a state is known, and after every new state
 *   live.on(name, fn)      subscribe to a server event: announcement, announcement_end, plan,
 *                          roster, presence, ...
 *   live.onReconnect(fn)   call fn() after the socket came back (e.g. to fetch /me again)
 *   live.onStart(fn)       call fn() once the page's module called start() (token, socket set)
 *   live.setState(state)   take a state got another way (e.g. an HTTP answer)
 *   live.remaining()       seconds left of the current part (from ends_at and the server time)
 *   live.send(name, body)  emit a client action; resolves to the ack {status, body}; over HTTP
 *                          (its route in routes.js, e.g. "clock") while the socket is down
 *   live.api(method, path, body)  fetch /api/v1 with the page's token; resolves to {status, body}
 *   live.token, live.i18n, live.data   the page's token, translated strings and data block
 *   live.outbox            the page's outbox (outbox.js), if it has one
 *
 * The one global, set by start(), is a hook for tests and the console (no module reads it):
 * window.parcours = {live, outbox, kiosk}.
 * Everything that shows user text uses textContent: never innerHTML with data.
 */

import { readJson } from "./dom.js";
import { ROUTES, routePath } from "./routes.js";
import { fill } from "./strings.js";

const TICKING = new Set(["running", "transition"]);
const listeners = { state: [], reconnect: [] };
const starters = []; // fns waiting for start()
let offset = 0; // server time minus local time, in ms

export const live = {
  socket: null,
  state: null,
  token: "",
  i18n: {},
  data: {},
  outbox: null,
  started: false,
  onState(fn) {
    listeners.state.push(fn);
    if (this.state) fn(this.state);
  },
  on(name, fn) {
    (listeners[name] ||= []).push(fn);
    if (this.socket && name !== "state" && name !== "reconnect") this.socket.on(name, fn);
  },
  onReconnect(fn) {
    listeners.reconnect.push(fn);
  },
  onStart(fn) {
    if (this.started) fn();
    else starters.push(fn);
  },
  remaining() {
    const s = this.state;
    if (!s) return null;
    if (TICKING.has(s.phase) && s.ends_at) {
      return Math.max(0, (Date.parse(s.ends_at) - (Date.now() + offset)) / 1000);
    }
    return s.remaining_s;
  },
  setState(state) {
    setState(state);
  },
  serverNow() {
    return Date.now() + offset;
  },
  async api(method, path, body) {
    const response = await fetch(`/api/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        "Content-Type": "application/json",
        "Accept-Language": document.documentElement.lang || "de", // the page's language
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    return { status: response.status, body: data };
  },
  send(name, body) {
    if (this.socket && this.socket.connected) {
      return this.socket.timeout(8000).emitWithAck(name, body).catch(() => this.viaHttp(name, body));
    }
    return this.viaHttp(name, body);
  },
  viaHttp(name, body) {
    const id = this.state ? this.state.event_id : null;
    if (!ROUTES[name] || id === null) return Promise.resolve({ status: 0, body: null });
    return this.api("POST", routePath(name, { event_id: id }), body);
  },
};

function setState(state) {
  if (!state) return;
  if (state.server_time) offset = Date.parse(state.server_time) - Date.now();
  if (live.state && state.version < live.state.version) return; // an older answer arrived late
  live.state = state;
  const body = document.body.dataset; // for styles and tests: body[data-phase][data-round]
  body.phase = state.phase;
  body.round = state.round ?? "";
  body.segment = state.segment ? state.segment.index : "";
  for (const fn of listeners.state) fn(state);
}

function setOffline(offline) {
  document.documentElement.classList.toggle("is-offline", offline);
  const banner = document.getElementById("live-offline");
  if (banner) banner.hidden = !offline;
}

/** Connect to /live with the page's token; return the live object. */
export function start() {
  const data = readJson("live-data", {});
  live.data = data;
  live.token = data.token || "";
  live.i18n = readJson("live-i18n", {});
  window.parcours = { live, get outbox() { return live.outbox; }, kiosk: null };
  if (data.state) setState(data.state);
  // WebSocket only: no sticky sessions needed behind a round-robin proxy. Long-polling only
  // where the operator asks for it (PARCOURS_SOCKET_TRANSPORTS=polling,websocket).
  const transports =
    Array.isArray(data.transports) && data.transports.length ? data.transports : ["websocket"];
  const socket = window.io("/live", {
    // the console's screen preview says so: the console counts real screens only
    auth: data.preview ? { token: live.token, preview: true } : { token: live.token },
    transports,
    query: { lang: document.documentElement.lang || "de" }, // acks' errors in the page's language
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
  });
  live.socket = socket;
  let seenConnect = false;
  let failures = 0;
  socket.on("connect_error", () => {
    failures += 1;
    // Online, HTTP works (the page loaded), yet no WebSocket: something in between blocks it.
    if (failures === 3 && navigator.onLine && !seenConnect && transports[0] === "websocket") {
      document.body.dataset.socketHint = "websocket-blocked";
      const hint = document.getElementById("live-socket-hint");
      if (hint) hint.hidden = false;
      console.warn(
        "parcours: the WebSocket to /live cannot be opened. A proxy in front must pass the " +
          "Upgrade and Connection headers (docs/deploy.md); with one process only, " +
          "PARCOURS_SOCKET_TRANSPORTS=polling,websocket allows long-polling as a fallback.",
      );
    }
  });
  socket.on("connect", () => {
    failures = 0;
    const hint = document.getElementById("live-socket-hint");
    if (hint) hint.hidden = true;
    delete document.body.dataset.socketHint;
    setOffline(false);
    if (seenConnect) for (const fn of listeners.reconnect) fn();
    seenConnect = true;
  });
  socket.on("disconnect", () => setOffline(true));
  socket.on("connect_error", (err) => {
    setOffline(true);
    // The server refused for now (its database connections all busy in a connect storm): the
    // client does not retry a refused connect by itself, so connect again after a spread delay.
    if (err && err.message === "unavailable") {
      const after = Number(err.data && err.data.retry_after) || 1;
      setTimeout(() => {
        if (!socket.connected) socket.connect();
      }, after * 1000 * (1 + Math.random()));
    }
  });
  socket.on("state", setState);
  // The organiser deleted the event's personal data: show the closed page, take no more input.
  socket.on("closed", () => window.location.reload());
  // This page's link ended (replaced, kiosk left elsewhere, person removed): reload, and the
  // server answers that the link is no longer valid. Not while this page leaves by itself.
  socket.on("revoked", () => {
    if (document.body.dataset.leaving !== "yes") window.location.reload();
  });
  for (const [name, fns] of Object.entries(listeners)) {
    if (name === "state" || name === "reconnect") continue;
    for (const fn of fns) socket.on(name, fn);
  }
  // The browser knows first when the network is gone: drop the socket and come back at once.
  window.addEventListener("offline", () => {
    setOffline(true);
    socket.disconnect();
  });
  const revive = () => {
    if (!socket.connected) socket.connect();
  };
  window.addEventListener("online", revive);
  // A phone that slept may hold a socket that only looks alive: ask for the state at once.
  document.addEventListener("visibilitychange", async () => {
    if (document.visibilityState !== "visible") return;
    revive();
    if (!live.state) return;
    const answer = await live.api("GET", `/events/${live.state.event_id}/state`);
    if (answer.status === 200) setState(answer.body);
  });
  live.started = true;
  // after the page's own module has run on (its listeners come first, as before)
  for (const fn of starters.splice(0)) queueMicrotask(fn);
  return live;
}

/** Format seconds as m:ss (or h:mm:ss). */
export function formatClock(seconds) {
  if (seconds === null || seconds === undefined) return "–:––";
  const total = Math.ceil(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** Keep el showing the countdown; it turns to the last-minute colour in the last 60 s. */
export function mountCountdown(el) {
  const draw = () => {
    const left = live.remaining();
    const text = formatClock(left);
    if (el.textContent !== text) el.textContent = text;
    const phase = live.state ? live.state.phase : "not_started";
    el.classList.toggle("last-minute", TICKING.has(phase) && left !== null && left <= 60);
    el.classList.toggle("overtime", TICKING.has(phase) && left === 0);
    el.dataset.phase = phase;
  };
  draw();
  setInterval(draw, 250);
  live.onState(draw);
}

/** Return a translated string with {name} placeholders filled. */
export function t(key, values = {}) {
  return fill(live.i18n[key] || key, values);
}

/** Show a state's #segment-title (if any), #round-label (hidden between rounds), #phase-label. */
export function drawHeading(state) {
  const title = document.getElementById("segment-title");
  if (title) title.textContent = state.segment ? state.segment.title : "";
  const round = document.getElementById("round-label");
  round.textContent = state.round ? t("round_of", { n: state.round, m: state.rounds }) : "";
  round.hidden = !state.round;
  document.getElementById("phase-label").textContent = t(state.phase);
}

/** Return whether an announcement is still showing (until its ends_at; 10 min for old ones). */
export function isActive(item) {
  const until = item.ends_at ? Date.parse(item.ends_at) : Date.parse(item.at) + 10 * 60 * 1000;
  return until > live.serverNow();
}

/** Show announcements in the element with id live-announcement (newest wins; dismissible).
 *  It goes at its ends_at or when the facilitator removes it; onChange(item or null) follows. */
export function mountAnnouncements(onChange) {
  const banner = document.getElementById("live-announcement");
  let lastId = 0;
  let shown = null;
  let timer = null;
  const hide = () => {
    clearTimeout(timer);
    shown = null;
    if (banner) banner.hidden = true;
    if (onChange) onChange(null);
  };
  const show = (item) => {
    if (!item || item.id <= lastId || !isActive(item)) return;
    lastId = item.id;
    shown = item;
    if (banner) {
      banner.querySelector("[data-text]").textContent = item.text;
      banner.hidden = false;
    }
    clearTimeout(timer);
    const until = item.ends_at ? Date.parse(item.ends_at) : Date.parse(item.at) + 10 * 60 * 1000;
    timer = setTimeout(hide, Math.max(0, until - live.serverNow()));
    if (onChange) onChange(item);
  };
  const known = (live.data.announcements || []).filter(isActive).reverse();
  for (const item of known) show(item);
  live.on("announcement", show);
  live.on("announcement_end", (message) => {
    if (shown && message && message.id === shown.id) hide();
  });
  const close = banner && banner.querySelector("[data-close]");
  if (close) close.addEventListener("click", hide);
}

/** Return the expected times of the parcours in the state's timetable as Dates, shifted while
 *  they float (paused, or a late start): {segmentIndex, end, rounds: Map(round -> {start, end})}.
 *  A running round has no start. Null when no parcours is running or ahead. */
export function expectedTimes(state) {
  const table = state && state.timetable;
  if (!table) return null;
  const shift = table.floating ? live.serverNow() - Date.parse(state.server_time) : 0;
  const at = (iso) => (iso ? new Date(Date.parse(iso) + shift) : null);
  const rounds = new Map(table.rounds.map((r) => [r.round, { start: at(r.starts_at), end: at(r.ends_at) }]));
  return { segmentIndex: table.segment_index, end: at(table.ends_at), rounds };
}

/** Format a Date as the event's wall-clock time, e.g. 10:45. */
export function clockTime(date) {
  // 24-hour clock and Latin digits in every language, like the countdown and the printed cards
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", numberingSystem: "latn" };
  if (live.data.timezone) options.timeZone = live.data.timezone;
  try {
    return new Intl.DateTimeFormat(document.documentElement.lang || "de", options).format(date);
  } catch (err) {
    delete options.timeZone; // an unknown zone: the device's own
    return new Intl.DateTimeFormat(document.documentElement.lang || "de", options).format(date);
  }
}

/** Return the phase label for a state. */
export function phaseLabel(state) {
  return t(state.phase);
}
