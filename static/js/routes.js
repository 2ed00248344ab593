/* The route table: each write a page sends as a socket event -> the POST route under /api/v1 of
 * the same operation. tests/web/test_routes_browser.py checks it against the OpenAPI document. */

export const ROUTES = {
  note: "/notes",
  follow_up: "/follow-ups",
  lead: "/leads",
  check_in: "/check-ins",
  wall_card: "/wall",
  wall_vote: "/wall/{card_id}/vote",
  wall_moderate: "/events/{event_id}/wall/{card_id}",
  kiosk_note: "/kiosk/notes",
  kiosk_follow_up: "/kiosk/follow-ups",
  kiosk_check_in: "/kiosk/check-ins",
  clock: "/events/{event_id}/clock",
  announce: "/events/{event_id}/announcements",
};

/** Return the path of a route with its {name} parts filled from params (URL-encoded). */
export function routePath(name, params = {}) {
  return ROUTES[name].replace(/\{(\w+)\}/g, (_m, key) => encodeURIComponent(String(params[key] ?? "")));
}
