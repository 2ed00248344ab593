/* Translated strings: the page carries them as JSON ({key: text}); look up by key, fill {name}. */
import { readJson } from "./dom.js";

/** Return text with each {name} replaced by values[name] (empty where there is none). */
export function fill(text, values = {}) {
  return String(text ?? "").replace(/\{(\w+)\}/g, (_m, name) => String(values[name] ?? ""));
}

let plural = null;

/** Return t(key, values) over a table, or the JSON block with this id; a key lacking a string
 * stands for itself. Where there is a `<key>_one` form (ngettext), a count n of one picks it. */
export function strings(source) {
  let table = typeof source === "string" ? null : source;
  return (key, values = {}) => {
    table ||= readJson(source, {});
    plural ||= new Intl.PluralRules(document.documentElement.lang || "de");
    const one = typeof values.n === "number" && plural.select(values.n) === "one";
    return fill((one && table[`${key}_one`]) || table[key] || key, values);
  };
}
