/* The participant's phone page: where to go now and next, the countdown, the route. */
import {
  clockTime, drawHeading, expectedTimes, live, mountAnnouncements, mountCountdown, start, t,
} from "./live-core.js";
import { $ } from "./dom.js";

start();
let me = live.data.me || { route: [] };

function stepFor(round) {
  return (me.route || []).find((s) => s.round === round) || null;
}

/** Return {now, next, label, done} for the participant, from the state and their route. */
function whereabouts(state) {
  const seg = state.segment;
  if (!me.route || !me.route.length || me.segment_index === null) return { none: true };
  const index = seg ? seg.index : 0;
  if (state.phase === "not_started" || index < me.segment_index) {
    return { now: null, next: stepFor(1), nextLabel: t("first_station") };
  }
  if (index > me.segment_index || state.phase === "finished") return { done: true };
  const round = state.round || 1;
  const moving = state.phase === "transition" || (state.phase === "paused" && state.paused_phase === "transition");
  return {
    now: stepFor(round),
    nowLabel: moving ? t("go_to") : t("you_are_at"),
    next: stepFor(round + 1),
    nextLabel: t("then"),
    round,
  };
}

function showStep(prefix, step, label) {
  const box = $(`${prefix}-box`);
  box.hidden = !step;
  if (!step) return;
  $(`${prefix}-label`).textContent = label || "";
  $(`${prefix}-station`).textContent = step.station.name;
  $(`${prefix}-location`).textContent = step.station.location || "";
}

/** The expected times of this person's parcours, or null (another parcours, or none ahead). */
function myTimes(state) {
  const times = expectedTimes(state);
  return times && times.segmentIndex === me.segment_index ? times : null;
}

function roundTime(times, round) {
  const slot = times && times.rounds.get(round);
  if (!slot) return "";
  if (!slot.start) return t("until", { time: clockTime(slot.end) });
  return t("time_range", { start: clockTime(slot.start), end: clockTime(slot.end) });
}

function drawRoute(current, times) {
  const list = $("route");
  list.replaceChildren();
  for (const step of me.route || []) {
    const li = document.createElement("li");
    li.dataset.round = step.round;
    if (current && step.round === current) li.setAttribute("aria-current", "step");
    const round = document.createElement("span");
    round.className = "route-round";
    round.textContent = t("next_round", { n: step.round });
    const when = roundTime(times, step.round);
    if (when) {
      const time = document.createElement("span");
      time.className = "route-time";
      time.textContent = when;
      round.append(document.createElement("br"), time);
    }
    const body = document.createElement("span");
    body.className = "route-body";
    const name = document.createElement("span");
    name.className = "route-station";
    name.textContent = step.station.name;
    body.append(name);
    if (step.station.location) {
      const where = document.createElement("span");
      where.className = "route-location muted";
      where.textContent = step.station.location;
      body.append(where);
    }
    li.append(round, body);
    list.append(li);
  }
  $("no-route").hidden = Boolean(me.route && me.route.length);
}

function draw(state) {
  drawHeading(state);
  const where = whereabouts(state);
  showStep("now", where.now, where.nowLabel);
  showStep("next", where.next, where.nextLabel);
  $("route-done").hidden = !where.done;
  const times = myTimes(state);
  $("parcours-end").hidden = !times;
  if (times) $("parcours-end").textContent = t("parcours_end", { time: clockTime(times.end) });
  drawRoute(where.round, times);
}

async function refreshMe() {
  const answer = await live.api("GET", "/me");
  if (answer.status === 200 && answer.body) {
    me = answer.body;
    if (live.state) draw(live.state);
  }
}

function addNews(item) {
  const list = $("news-list");
  const li = document.createElement("li");
  li.textContent = item.text;
  list.prepend(li);
  while (list.children.length > 3) list.lastElementChild.remove();
  $("news").hidden = false;
}

mountCountdown($("countdown"));
live.onState(draw);
setInterval(() => live.state && live.state.timetable?.floating && draw(live.state), 20000);
live.on("plan", refreshMe);
live.onReconnect(refreshMe);
let initial = true;
mountAnnouncements((item) => {
  if (item && !initial) addNews(item);
});
initial = false;
