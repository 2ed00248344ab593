// Participants page: find a person as you type (name, organisation, e-mail), e.g. at the info
// desk; case, accents and umlaut spellings (ü = ue) do not matter.
const input = document.getElementById("participants-search");
const rows = [...document.querySelectorAll("table.participants tbody tr")];

function fold(text) {
  return (text || "")
    .toLowerCase()
    .replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss")
    .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

const haystack = new Map(rows.map((row) => [row, fold(row.dataset.search || row.textContent)]));
input?.addEventListener("input", () => {
  const words = fold(input.value).split(/\s+/).filter(Boolean);
  for (const row of rows) row.hidden = !words.every((w) => haystack.get(row).includes(w));
});
