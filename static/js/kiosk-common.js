/* Shared by the kiosk scripts: bilingual labels and the kiosk's outbox.
 * Labels come from the page's kiosk-i18n block ({key: {de, en, uk, ar, fa, tr, ru}}) and are
 * only ever set as text. */
import { el, readJson } from "./dom.js";
import { Outbox } from "./outbox.js";
import { fill } from "./strings.js";

let labels = null;

const RTL = ["ar", "fa"];
let chosen = null; // the language the current person picked for their turn, or null

function read() {
  labels ||= readJson("kiosk-i18n", {});
  return labels;
}

function defaults() {
  return (document.body.dataset.kioskLangs || "de en").split(" ");
}

/** Return a <span class="bi"> with the label in the languages shown now: the one the person
 * picked, else the event's language and English (once if both read alike). */
export function bi(key, values = {}) {
  const label = read()[key] || {};
  const span = el("span", "bi");
  span.dataset.k = key;
  if (Object.keys(values).length) span.dataset.v = JSON.stringify(values);
  const seen = new Set();
  for (const lang of chosen ? [chosen] : defaults()) {
    const text = fill(label[lang] ?? label.en ?? key, values);
    if (seen.has(text)) continue;
    seen.add(text);
    const part = el("span", "", text);
    part.lang = lang;
    part.dir = RTL.includes(lang) ? "rtl" : "ltr";
    span.append(part);
  }
  return span;
}

/** Show every label in the language a person picked for their turn (null: back to the
 * event's languages, as for the next person). */
export function setLanguage(lang) {
  chosen = lang && read().ok && read().ok[lang] !== undefined ? lang : null;
  const html = document.documentElement;
  if (!html.dataset.lang) html.dataset.lang = html.lang;
  const shown = chosen || html.dataset.lang;
  html.lang = shown;
  html.dir = RTL.includes(shown) ? "rtl" : "ltr";
  for (const node of document.querySelectorAll(".bi[data-k]")) {
    let values = {};
    try {
      values = node.dataset.v ? JSON.parse(node.dataset.v) : {};
    } catch (err) {
      values = {};
    }
    node.replaceWith(bi(node.dataset.k, values));
  }
  for (const button of document.querySelectorAll("[data-kiosk-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.kioskLang === chosen));
  }
}

/** Put a label into an element (replacing what it showed). */
export function setLabel(node, key, values) {
  node.replaceChildren(bi(key, values));
}

/** The outbox of a shared tablet: it keeps only what still has to be sent. Acknowledged and
 * refused entries are dropped at once (only their number is kept), so nothing a previous person
 * wrote stays on the tablet once the server has it. */
export class KioskOutbox extends Outbox {
  save() {
    const done = (this.entries || []).filter((e) => e.state === "sent" || e.state === "failed");
    if (done.length) {
      this.failedCount = (this.failedCount || 0) + done.filter((e) => e.state === "failed").length;
      this.sentCount = (this.sentCount || 0) + done.filter((e) => e.state === "sent").length;
      this.entries = this.entries.filter((e) => !done.includes(e));
    }
    super.save();
  }

  /** Return how many entries the server refused since the page opened. */
  failed() {
    return this.failedCount || 0;
  }
}
