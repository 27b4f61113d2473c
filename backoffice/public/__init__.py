"""Public pages: one no-login, cacheable page per published entry, in the visitor's language (the kiosks' QR codes)."""
