/* Shared by the kiosk scripts: bilingual labels and the kiosk's outbox.
 * Labels come from the page's kiosk-i18n block ({key: {de, en}}) and are only ever set as text. */
import { el, readJson } from "./dom.js";
import { Outbox } from "./outbox.js";
import { fill } from "./strings.js";

let labels = null;

/** Return a <span class="bi"> with the label in German and English (once if both read alike). */
export function bi(key, values = {}) {
  labels ||= readJson("kiosk-i18n", {});
  const label = labels[key] || { de: key, en: key };
  const span = el("span", "bi");
  const de = fill(label.de, values);
  const en = fill(label.en, values);
  for (const [lang, text] of de === en ? [["en", en]] : [["de", de], ["en", en]]) {
    const part = el("span", "", text);
    part.lang = lang;
    span.append(part);
  }
  return span;
}

/** Put a bilingual label into an element (replacing what it showed). */
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
