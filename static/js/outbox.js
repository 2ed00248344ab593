/* The outbox: every write made on a phone or tablet is kept on the device until the server
 * acknowledged it, and is stored there exactly once however often it is sent.
 *
 *   import { Outbox } from "./outbox.js";
 *   const box = new Outbox({ key: "phone:" + token, token, getSocket: () => live.socket });
 *   box.onChange((entries) => draw(entries));
 *   box.add("note", { text: "…", station_id: 3 });   // client_id is made here
 *   box.add("wall_vote", {}, { params: { card_id: 7 } });
 *   box.add("note", body, { token: otherToken });    // kiosk: a token per entry
 *
 * Entries are {client_id, kind, body, params, token, state, tries, error, result, created, next_at}
 * kept in localStorage under "parcours.outbox.<key>". States: pending (waiting to be sent, or
 * to be tried again), sending, sent (acknowledged; result is the stored record), failed (the
 * server refused it for good: a 4xx other than 408 and 429; error holds its message).
 * A write goes over the socket when it is connected (emit with ack and a timeout), else over HTTP
 * with the bearer token. Until acknowledged it is retried with backoff (over whichever way is up
 * then) and sent again on `online`, when the page becomes visible, when the socket (re)connects
 * and on load.
 */

import { ROUTES, routePath } from "./routes.js";

const RETRYABLE = new Set([0, 408, 429]);
const KEEP_SENT = 200;

/** Return a random UUID (v4), also where crypto.randomUUID is missing (plain http). */
export function newClientId() {
  if (window.crypto && crypto.randomUUID) {
    try {
      return crypto.randomUUID();
    } catch (err) {
      /* not a secure context: build it below */
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function memoryStorage() {
  const data = new Map();
  return {
    getItem: (k) => (data.has(k) ? data.get(k) : null),
    setItem: (k, v) => data.set(k, String(v)),
  };
}

function messageOf(status, body) {
  const error = body && body.error;
  if (error && error.message) return error.message;
  return `HTTP ${status}`;
}

export class Outbox {
  constructor({ key, token, getSocket = () => null, storage, ackTimeout = 15000,
    baseUrl = "/api/v1", maxDelay = 30000 } = {}) {
    this.key = `parcours.outbox.${key || token}`;
    this.token = token;
    this.getSocket = getSocket;
    this.ackTimeout = ackTimeout;
    this.baseUrl = baseUrl;
    this.maxDelay = maxDelay;
    this.listeners = [];
    this.flushing = null;
    this.again = false;
    this.timer = null;
    try {
      this.storage = storage || window.localStorage;
      this.storage.setItem(`${this.key}.probe`, "1");
    } catch (err) {
      this.storage = memoryStorage(); // private mode: at least this page keeps it
    }
    this.entries = this.load();
    for (const entry of this.entries) if (entry.state === "sending") entry.state = "pending";
    this.save();
  }

  load() {
    try {
      const raw = JSON.parse(this.storage.getItem(this.key) || "[]");
      return Array.isArray(raw) ? raw : [];
    } catch (err) {
      return [];
    }
  }

  save() {
    const sent = this.entries.filter((e) => e.state === "sent");
    if (sent.length > KEEP_SENT) {
      const drop = new Set(sent.slice(0, sent.length - KEEP_SENT).map((e) => e.client_id));
      this.entries = this.entries.filter((e) => !drop.has(e.client_id));
    }
    try {
      this.storage.setItem(this.key, JSON.stringify(this.entries));
    } catch (err) {
      /* quota: the entries stay in memory */
    }
    for (const fn of this.listeners) fn(this.list());
  }

  /** Call fn(entries) now and after every change. */
  onChange(fn) {
    this.listeners.push(fn);
    fn(this.list());
  }

  /** Return a copy of the entries, oldest first. */
  list() {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Return how many entries are not acknowledged yet (pending or sending). */
  waiting() {
    return this.entries.filter((e) => e.state === "pending" || e.state === "sending").length;
  }

  /** Keep a write on the device, then try to send it; return the entry. */
  add(kind, body, { params = {}, token = null, label = "" } = {}) {
    if (!ROUTES[kind]) throw new Error(`unknown write: ${kind}`);
    const client_id = body.client_id || newClientId();
    const entry = {
      client_id,
      kind,
      body: { ...body, client_id },
      params,
      token,
      label,
      state: "pending",
      tries: 0,
      error: null,
      result: null,
      created: new Date().toISOString(),
      next_at: 0,
    };
    this.entries.push(entry);
    this.save();
    this.flush();
    return { ...entry };
  }

  /** Send a failed entry again (after the user fixed what was wrong elsewhere). */
  retry(clientId) {
    const entry = this.entries.find((e) => e.client_id === clientId);
    if (!entry || entry.state === "sent") return;
    Object.assign(entry, { state: "pending", next_at: 0, error: null });
    this.save();
    this.flush();
  }

  /** Forget an entry that failed for good. */
  discard(clientId) {
    this.entries = this.entries.filter((e) => e.client_id !== clientId || e.state === "sending");
    this.save();
  }

  /** Forget every entry and the storage key (a tablet changing hands, nothing left waiting). */
  clear() {
    this.entries = [];
    try {
      this.storage.removeItem(this.key);
      this.storage.removeItem(`${this.key}.probe`);
    } catch (err) {
      /* memory storage */
    }
  }

  /** Send every pending entry now, whatever its backoff said; resolves when done. */
  flushNow() {
    for (const e of this.entries) if (e.state === "pending") e.next_at = 0;
    return this.flush();
  }

  /** Send every entry that is due, one after the other; resolves when done. */
  flush() {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      do {
        this.again = false;
        await this.sendDue();
      } while (this.again);
    })().finally(() => {
      this.flushing = null;
      this.schedule();
    });
    return this.flushing;
  }

  async sendDue() {
    for (const entry of this.entries) {
      if (entry.state !== "pending" || entry.next_at > Date.now()) continue;
      if (navigator.onLine === false) return;
      entry.state = "sending";
      entry.tries += 1;
      this.save();
      const { status, body } = await this.send(entry);
      this.settle(entry, status, body);
      if (status === 0) return; // the network is gone: wait for a trigger or the timer
    }
  }

  settle(entry, status, body) {
    if (status === 200 || status === 201) {
      Object.assign(entry, { state: "sent", result: body, error: null, sent_at: Date.now() });
    } else if (RETRYABLE.has(status) || status >= 500) {
      const wait = Math.min(this.maxDelay, 1000 * 2 ** Math.min(entry.tries - 1, 5));
      const hint = body && body.error && body.error.fields && body.error.fields.retry_after_s;
      const after = hint ? Number(hint[0]) * 1000 : 0;
      entry.state = "pending";
      entry.next_at = Date.now() + Math.max(after, wait * (0.75 + Math.random() / 2));
      entry.error = status ? messageOf(status, body) : null;
    } else {
      Object.assign(entry, { state: "failed", error: messageOf(status, body), status });
    }
    this.save();
  }

  /** Send one entry: over the socket when it is up and speaks for the same token (unless it
   * timed out on the last try), else over HTTP. */
  async send(entry) {
    const socket = this.getSocket();
    const viaSocket = !entry.socket_timed_out && (!entry.token || entry.token === this.token);
    entry.socket_timed_out = false;
    if (socket && socket.connected && viaSocket) {
      const payload = { ...entry.body };
      if (entry.params && Object.keys(entry.params).length) payload._params = entry.params;
      try {
        const ack = await socket.timeout(this.ackTimeout).emitWithAck(entry.kind, payload);
        if (ack && typeof ack.status === "number") return ack;
      } catch (err) {
        /* No ack in time: the server may be busy with a burst (it acks a burst at its end), so
         * sending again at once over HTTP would only add load. Try again after a backoff, over
         * whichever way is up then; the same client_id makes it stored once either way. The
         * next try goes over HTTP, in case only the socket is stuck. */
        entry.socket_timed_out = true;
      }
      return { status: 0, body: null };
    }
    return this.viaHttp(entry);
  }

  async viaHttp(entry) {
    const url = this.baseUrl + routePath(entry.kind, entry.params || {});
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${entry.token || this.token}`,
          "Content-Type": "application/json",
        },
        body: JSON.stringify(entry.body),
        cache: "no-store",
      });
      let body = null;
      try {
        body = await response.json();
      } catch (err) {
        body = null;
      }
      return { status: response.status, body };
    } catch (err) {
      return { status: 0, body: null };
    }
  }

  /** Wake up for the next retry that is due. */
  schedule() {
    clearTimeout(this.timer);
    const due = this.entries.filter((e) => e.state === "pending").map((e) => e.next_at);
    if (!due.length) return;
    const wait = Math.max(250, Math.min(...due) - Date.now());
    this.timer = setTimeout(() => this.flush(), Math.min(wait, this.maxDelay));
  }

  /** Flush on the usual triggers: online, page visible, socket (re)connect (the socket of
   * getSocket() when watch() is called; Socket.IO keeps that object across reconnects). */
  watch() {
    const now = () => this.flushNow();
    window.addEventListener("online", now);
    window.addEventListener("pageshow", now);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") now();
    });
    const socket = this.getSocket();
    if (socket) socket.on("connect", now);
    if (socket && socket.connected) now();
    else this.flush();
    return this;
  }
}
