/* The agenda's forms: rounds, their length, the change time and the mode belong to a parcours
 * only; the minutes to every other kind of item. Fields that do not apply are hidden and not
 * sent. Without this script every field shows and the server ignores what does not apply. */
function fit(form) {
  const kind = form.querySelector('select[name="kind"]');
  if (!kind) return;
  const parcours = kind.value === "parcours";
  for (const group of form.querySelectorAll("[data-parcours-only], [data-not-parcours]")) {
    const off = group.hasAttribute("data-parcours-only") ? !parcours : parcours;
    group.hidden = off;
    for (const field of group.querySelectorAll("input, select")) field.disabled = off;
  }
}

for (const form of document.querySelectorAll("form")) {
  if (!form.querySelector("[data-segment-fields]")) continue;
  fit(form);
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") fit(form);
  });
}
