/* The station host's tablet page: the countdown and who is expected at this station. */
import { drawHeading, live, mountAnnouncements, mountCountdown, start, t } from "./live-core.js";
import { $, el } from "./dom.js";

start();
const stationId = live.data.roster ? live.data.roster.station_id : null;

function person(entry) {
  const li = el("li");
  li.dataset.participant = entry.participant_id;
  li.classList.toggle("checked-in", Boolean(entry.checked_in));
  li.append(el("span", "roster-name", entry.name));
  if (entry.organisation) li.append(" ", el("span", "muted roster-org", entry.organisation));
  if (entry.group_no) li.append(" ", el("span", "badge", t("group", { n: entry.group_no })));
  if (entry.checked_in) li.append(" ", el("span", "badge badge-ok", `✓ ${t("checked_in")}`));
  return li;
}

function drawRoster(roster) {
  if (!roster || roster.station_id !== stationId) return;
  live.roster = roster;
  $("roster").replaceChildren(...roster.expected.map(person));
  $("walk-ins").replaceChildren(...roster.walk_ins.map(person));
  $("walk-ins-title").hidden = roster.walk_ins.length === 0;
  const checked = roster.expected.filter((e) => e.checked_in).length;
  $("roster-count").textContent = roster.expected.length ? `(${checked}/${roster.expected.length})` : "";
  $("roster-empty").hidden = roster.expected.length > 0;
  $("roster-upcoming").hidden = !roster.upcoming;
  document.body.dataset.rosterRound = roster.round || "";
}

async function refreshRoster() {
  if (!live.state || stationId === null) return;
  const answer = await live.api("GET", `/events/${live.state.event_id}/stations/${stationId}/roster`);
  if (answer.status === 200) drawRoster(answer.body);
}

// A round change is one broadcast of `state`: the tablet fetches its own roster when the
// round it shows is no longer the current one (a little jitter spreads the tablets out).
let rosterKey = null;
function keyOf(state) {
  return `${state.segment ? state.segment.id : ""}:${state.round ?? ""}:${state.phase === "not_started"}`;
}
live.onState((state) => {
  const key = keyOf(state);
  if (rosterKey !== null && key !== rosterKey) setTimeout(refreshRoster, Math.random() * 400);
  rosterKey = key;
});

drawRoster(live.data.roster);
mountCountdown($("countdown"));
live.onState(drawHeading);
live.on("roster", drawRoster);
live.on("plan", refreshRoster);
mountAnnouncements();
