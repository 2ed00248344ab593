"""On the day: the clock (agenda, rounds, pauses), the live views and announcements, attendance."""
