// Ask before a form with data-confirm is sent (remove a station, a participant, an agenda item).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});
