/* The station host's tablet page: the countdown and who is expected at this station. */
import { live, mountAnnouncements, mountCountdown, start, t } from "./live-core.js";

start();
const $ = (id) => document.getElementById(id);
const stationId = live.data.roster ? live.data.roster.station_id : null;

function person(entry) {
  const li = document.createElement("li");
  li.dataset.participant = entry.participant_id;
  li.classList.toggle("checked-in", Boolean(entry.checked_in));
  const name = document.createElement("span");
  name.className = "roster-name";
  name.textContent = entry.name;
  li.append(name);
  if (entry.organisation) {
    const org = document.createElement("span");
    org.className = "muted roster-org";
    org.textContent = entry.organisation;
    li.append(" ", org);
  }
  if (entry.group_no) {
    const group = document.createElement("span");
    group.className = "badge";
    group.textContent = t("group", { n: entry.group_no });
    li.append(" ", group);
  }
  if (entry.checked_in) {
    const mark = document.createElement("span");
    mark.className = "badge badge-ok";
    mark.textContent = `✓ ${t("checked_in")}`;
    li.append(" ", mark);
  }
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

function draw(state) {
  $("round-label").textContent = state.round ? t("round_of", { n: state.round, m: state.rounds }) : "";
  $("round-label").hidden = !state.round;
  $("phase-label").textContent = t(state.phase);
  document.body.dataset.phase = state.phase;
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
live.onState(draw);
live.on("roster", drawRoster);
live.on("plan", refreshRoster);
mountAnnouncements();
