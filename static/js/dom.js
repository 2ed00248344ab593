/* DOM helpers shared by the page scripts. User text is only ever set as textContent. */

/** Return the element with this id, or null. */
export const $ = (id) => document.getElementById(id);

/** Return a new element with a class and text. */
export function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined && content !== null) node.textContent = String(content);
  return node;
}

/** Return the parsed JSON of a <script type="application/json"> block, or fallback. */
export function readJson(id, fallback) {
  const block = document.getElementById(id);
  if (!block) return fallback;
  try {
    return JSON.parse(block.textContent);
  } catch (err) {
    return fallback;
  }
}
