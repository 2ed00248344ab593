/* Translated strings: the page carries them as JSON ({key: text}); look up by key, fill {name}. */
import { readJson } from "./dom.js";

/** Return text with each {name} replaced by values[name] (empty where there is none). */
export function fill(text, values = {}) {
  return String(text ?? "").replace(/\{(\w+)\}/g, (_m, name) => String(values[name] ?? ""));
}

/** Return t(key, values) over a table, or the JSON block with this id; a key lacking a string
 * stands for itself. */
export function strings(source) {
  let table = typeof source === "string" ? null : source;
  return (key, values) => {
    table ||= readJson(source, {});
    return fill(table[key] || key, values);
  };
}
