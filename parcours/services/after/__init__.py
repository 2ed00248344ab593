"""After the event: the report's figures and the exports (CSV, XLSX, JSON, station packs)."""
