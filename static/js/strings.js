/* Translated strings: the server puts them into the page as JSON ({key: text}), in a
 * <script type="application/json"> block or a data-i18n attribute; scripts look them up by key
 * and fill the {name} placeholders. */
import { readJson } from "./dom.js";

/** Return text with each {name} replaced by values[name] (empty where there is none). */
export function fill(text, values = {}) {
  return String(text ?? "").replace(/\{(\w+)\}/g, (_m, name) => String(values[name] ?? ""));
}

/** Return t(key, values) over a table of strings, or over the JSON block with this id (read on
 * first use). A key without a string stands for itself. */
export function strings(source) {
  let table = typeof source === "string" ? null : source;
  return (key, values) => {
    table ||= readJson(source, {});
    return fill(table[key] || key, values);
  };
}
