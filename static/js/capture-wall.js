/* The workshop wall on the phone (post, upvote), the screen (approved cards, live) and the
 * facilitator's console (approve, highlight, hide). Server pushes come as `wall` {card}. */
import { live } from "./live-core.js";
import { text } from "./capture-common.js";
import { $, el } from "./dom.js";
import { routePath } from "./routes.js";

const SHOWN = new Set(["approved", "highlighted"]);

function eventId() {
  return (live.state && live.state.event_id) || (live.data.state && live.data.state.event_id);
}

function isWorkshop(state) {
  return Boolean(state && state.segment && state.segment.kind === "workshop");
}

/** A card list kept in a Map by id, fed by GET /wall and `wall` pushes. */
class Cards {
  constructor(draw) {
    this.cards = new Map();
    this.draw = draw;
    live.on("wall", ({ card }) => this.merge(card));
    live.onReconnect(() => this.load());
  }

  async load() {
    const id = eventId();
    if (!id) return;
    const { status, body } = await live.api("GET", `/events/${id}/wall`).catch(() => ({}));
    if (status !== 200 || !Array.isArray(body)) return;
    this.cards = new Map(body.map((c) => [c.id, c]));
    this.draw();
  }

  merge(card) {
    if (!card || !card.id) return;
    const known = this.cards.get(card.id) || {};
    this.cards.set(card.id, { ...known, ...card });
    this.draw();
  }

  sorted(filter) {
    return [...this.cards.values()].filter(filter).sort((a, b) =>
      (b.status === "highlighted") - (a.status === "highlighted") ||
      (b.votes || 0) - (a.votes || 0) || b.id - a.id);
  }
}

function cardNode(card) {
  const li = el("li", `wall-card wall-${card.status} wall-kind-${card.kind || "idea"}`);
  li.dataset.cardId = card.id;
  li.dataset.status = card.status;
  li.append(el("p", "wall-text", card.text));
  const meta = el("p", "wall-meta");
  meta.append(el("span", "wall-kind", text(card.kind || "idea")),
    el("span", "wall-votes", text("votes", { n: card.votes || 0 })));
  li.append(meta);
  return li;
}

/** Mount the wall on the phone: post cards and upvote the approved ones, through the outbox. */
export function mountPhoneWall(box) {
  const section = $("wall-phone");
  if (!section) return;
  const voted = new Set();
  const list = $("wall-cards");
  const cards = new Cards(() => draw());
  const draw = () => {
    for (const e of box.list()) {
      if (e.kind === "wall_vote") voted.add(Number(e.params.card_id));
      if (e.kind === "wall_card" && e.result && e.result.id && !cards.cards.has(e.result.id)) {
        cards.cards.set(e.result.id, { ...e.result, mine: true });
      }
    }
    const mine = (c) => c.mine || box.list().some((e) => e.body.client_id === c.client_id);
    const rows = cards.sorted((c) => SHOWN.has(c.status) || (mine(c) && c.status === "pending"));
    list.replaceChildren(...rows.map((card) => {
      const li = cardNode(card);
      if (card.status === "pending") {
        li.append(el("p", "muted", text("pending_card")));
      } else {
        const done = card.voted || voted.has(card.id);
        const button = el("button", "btn btn-small wall-upvote", text(done ? "voted" : "upvote"));
        button.type = "button";
        button.disabled = done;
        button.addEventListener("click", () => {
          voted.add(card.id);
          box.add("wall_vote", {}, { params: { card_id: card.id } });
          cards.merge({ ...card, votes: (card.votes || 0) + 1, voted: true });
        });
        li.append(button);
      }
      return li;
    }));
  };
  live.onState((state) => {
    section.hidden = !isWorkshop(state);
  });
  $("wall-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (!form.reportValidity()) return;
    box.add("wall_card", { text: form.text.value, kind: form.kind.value || "idea" });
    form.text.value = "";
  });
  box.onChange(() => draw());
  cards.load();
}

function mountScreenWall() {
  const section = $("screen-wall");
  const list = $("screen-wall-cards");
  const cards = new Cards(() => {
    list.replaceChildren(...cards.sorted((c) => SHOWN.has(c.status)).map(cardNode));
    section.dataset.count = String(list.children.length);
  });
  live.onState((state) => {
    section.hidden = !isWorkshop(state);
    document.body.classList.toggle("wall-on", !section.hidden);
  });
  cards.load();
}

async function moderate(card, status) {
  const body = { status, _params: { card_id: card.id } };
  if (live.socket && live.socket.connected) {
    try {
      const ack = await live.socket.timeout(8000).emitWithAck("wall_moderate", body);
      if (ack && ack.status === 200) return ack;
    } catch (err) {
      /* fall back to HTTP */
    }
  }
  return live.api("POST", routePath("wall_moderate", { event_id: eventId(), card_id: card.id }), { status });
}

function mountFacilitatorWall() {
  const list = $("facilitator-wall-cards");
  const error = $("facilitator-wall-error");
  const actions = [["approved", "approve"], ["highlighted", "highlight"], ["hidden", "hide"]];
  const cards = new Cards(() => {
    const rows = cards.sorted(() => true).sort((a, b) =>
      (b.status === "pending") - (a.status === "pending") || b.id - a.id);
    list.replaceChildren(...rows.map((card) => {
      const li = cardNode(card);
      li.append(el("span", "badge wall-status", text(card.status)));
      const row = el("p", "row wall-actions");
      for (const [status, label] of actions) {
        const button = el("button", "btn btn-small", text(label));
        button.type = "button";
        button.dataset.action = status;
        button.disabled = card.status === status;
        button.addEventListener("click", async () => {
          const answer = await moderate(card, status);
          error.hidden = answer.status === 200;
          if (answer.status === 200) cards.merge(answer.body);
          else error.textContent = (answer.body && answer.body.error && answer.body.error.message) || "";
        });
        row.append(button);
      }
      li.append(row);
      return li;
    }));
    $("facilitator-wall-count").textContent = String(rows.filter((c) => c.status === "pending").length);
  });
  cards.load();
}

live.onStart(() => {
  if ($("screen-wall")) mountScreenWall();
  if ($("facilitator-wall")) mountFacilitatorWall();
});
