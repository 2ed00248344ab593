"""Personal data and its end: shred an event (CONTRACT §6), scrub texts, the retention sweep."""
