/* The projector screen: title, huge countdown, round N of M, rotation board, join code. */
import {
  clockTime,
  expectedTimes,
  live,
  mountAnnouncements,
  mountCountdown,
  start,
  t,
} from "./live-core.js";
import { $, el } from "./dom.js";

start();
let board = live.data.board || { rounds: [], stations: [] };

/** "Britta Sommerfeld" -> "Britta S.": the board must fit on one projected page. */
function shortName(name) {
  const parts = name.trim().split(/\s+/);
  return parts.length > 1 ? `${parts[0]}\u00a0${parts[parts.length - 1][0]}.` : name;
}

/** The station's name with soft hyphens from the server ("Ausländer-behörde", not "…behörd|e"). */
function hyphenated(name) {
  return (live.data.hyphenated || {})[name] || name;
}

function cell(station, entry) {
  const card = el("article", "board-card");
  card.dataset.station = station.id;
  card.append(el("h3", "", hyphenated(station.name)));
  if (station.location) card.append(el("p", "board-location", station.location));
  let who;
  if (board.mode === "groups" && entry.groups.length) {
    who = entry.groups.map((n) => t("group", { n })).join(", ");
  } else {
    who = entry.people.length ? entry.people.map(shortName).join(" · ") : t("nobody");
  }
  card.append(el("p", "board-who", who));
  return card;
}

function drawBoard(state) {
  const seg = state.segment;
  const inParcours = seg && board.segment_id === seg.id && state.round && state.phase !== "finished";
  const round = inParcours ? board.rounds.find((r) => r.round === state.round) : null;
  $("board-section").hidden = !round;
  document.body.classList.toggle("has-board", Boolean(round));
  if (!round) return;
  const moving = state.phase === "transition" || state.paused_phase === "transition";
  $("board-title").textContent = moving
    ? `${t("transition")}: ${t("next_round", { n: state.round })}`
    : t("round_of", { n: state.round, m: state.rounds });
  const byStation = new Map(round.cells.map((c) => [c.station_id, c]));
  const cards = board.stations.map((s) => cell(s, byStation.get(s.id) || { people: [], groups: [] }));
  $("board").replaceChildren(...cards);
  fitBoard();
}

/** Shrink the board's text until every card shows all of its names (an announcement, a long
 *  station name or a full station takes room); never below half size. */
function fitBoard() {
  const el = $("board");
  if ($("board-section").hidden) return;
  const overflows = () =>
    [...el.children].some((c) => c.scrollHeight > c.clientHeight + 1 || c.scrollWidth > c.clientWidth + 1);
  let scale = 1;
  el.style.setProperty("--fit", "1");
  while (scale > 0.5 && overflows()) {
    scale -= 0.05;
    el.style.setProperty("--fit", scale.toFixed(2));
  }
  el.dataset.fit = scale.toFixed(2);
}

function nextText(state) {
  const next = state.next;
  if (!next) return state.phase === "finished" ? "" : t("end");
  if (next.round && next.segment && state.segment && next.segment.id === state.segment.id) {
    return next.phase === "transition" ? t("transition") : t("next_round", { n: next.round });
  }
  return next.segment ? next.segment.title : "";
}

function draw(state) {
  const seg = state.segment;
  $("segment-title").textContent = seg ? seg.title : "";
  const moving = state.phase === "transition";
  $("round-label").textContent = state.round ? t("round_of", { n: state.round, m: state.rounds }) : "";
  const phase = state.phase === "running" ? "" : t(state.phase);
  $("phase-label").textContent = state.round && phase ? `· ${phase}` : phase;
  document.body.dataset.phase = state.phase;
  const text = nextText(state);
  $("next-line").hidden = !text || moving;
  $("next-text").textContent = text;
  // the expected end of the parcours, while it runs (it moves when the facilitator extends or pauses)
  const times = expectedTimes(state);
  const inParcours = times && seg && times.segmentIndex === seg.index && state.phase !== "not_started";
  $("parcours-end").hidden = !inParcours;
  if (inParcours) $("parcours-end").textContent = t("parcours_end", { time: clockTime(times.end) });
  drawBoard(state);
}

async function refreshBoard() {
  if (!live.state) return;
  const answer = await live.api("GET", `/events/${live.state.event_id}/rotation`);
  if (answer.status === 200) {
    board = answer.body;
    draw(live.state);
  }
}

const full = $("fullscreen");
if (full) {
  full.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  });
}
mountCountdown($("countdown"));
live.onState(draw);
setInterval(() => live.state && live.state.timetable?.floating && draw(live.state), 20000);
live.on("plan", refreshBoard);
live.onReconnect(refreshBoard);
// the banner takes room from the board (and gives it back): fit the cards again
mountAnnouncements(() => {
  document.body.classList.toggle("has-announcement", !$("live-announcement").hidden);
  fitBoard();
});
window.addEventListener("resize", fitBoard);
