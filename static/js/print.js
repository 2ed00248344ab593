// Print buttons: <button data-print> (no inline onclick: the pages' CSP allows no inline script).
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-print]")) window.print();
});
