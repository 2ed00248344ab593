"""Use cases: take the actor and the data explicitly, check the rules, own persistence.

By feature: setup/ (before the day), plans/ (the parcours plan), event_day/ (clock, live,
attendance), capture/ (what people write, kiosk, wall), after/ (report, exports), privacy/
(shred, scrub, retention). Shared by all: unit (the unit of work), once (idempotent writes),
common (codes, tokens, audit, event checks), lookups (reads for the adapters), broadcasts,
tokens (bearer tokens to actors), accounts (organiser logins), demo.
"""
