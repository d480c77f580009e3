// DOM helpers. Everything the page shows is built with these (textContent, never innerHTML): reports and URIs
// come from workers and clients and are treated as hostile text.

/**
 * Create an element.
 * @param {string} tag - tag name ("div", "svg:rect" for SVG elements)
 * @param {Object<string, *>} [props] - attributes; `class`, `text` (textContent), `on<event>` (listeners)
 * @param {...(Node|string|number|null|undefined|false)} children - nodes or text; null/undefined/false skipped
 * @returns {HTMLElement|SVGElement}
 */
export function h(tag, props = {}, ...children) {
  const svg = tag.startsWith("svg:");
  const node = svg
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "class") node.setAttribute("class", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, ...children);
  return node;
}

/**
 * Append children (nodes, strings, numbers; nested arrays flattened; null/undefined/false skipped).
 * @param {Node} node
 * @param {...*} children
 * @returns {Node} node
 */
export function append(node, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Remove every child of a node.
 * @param {Node} node
 * @returns {Node} node
 */
export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/**
 * Say something to screen readers through the page's polite live region.
 * @param {string} text
 */
export function announce(text) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  // A fresh text node after a tick is read even when the text repeats.
  setTimeout(() => { region.textContent = text; }, 50);
}

/**
 * A visible error message, announced at once (role="alert").
 * @param {string} title - what went wrong, in a few words
 * @param {string} [detail] - what to do about it
 * @returns {HTMLElement}
 */
export function errorBox(title, detail) {
  return h("div", { class: "notice error", role: "alert" },
    h("p", { class: "notice-title", text: title }),
    detail ? h("p", { text: detail }) : null);
}

/**
 * A table in a horizontally scrollable, keyboard-focusable wrapper (phones).
 * @param {string} label - accessible name of the scroll region and caption of the table
 * @param {string[]} head - column headings
 * @param {Array<Array<*>>} rows - cells (nodes or text)
 * @param {Object} [opts] - `{caption: false}` hides the caption visually
 * @returns {HTMLElement}
 */
export function table(label, head, rows, opts = {}) {
  return h("div", { class: "table-wrap", role: "region", "aria-label": label, tabindex: "0" },
    h("table", {},
      h("caption", { class: opts.caption === false ? "visually-hidden" : null, text: label }),
      h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col", text: c })))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c)))))));
}
