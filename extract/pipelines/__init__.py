"""One runnable pipeline per source, and what they share."""
