"""The assistance pages, split by topic: needs, pairings and actions, suggestions, hot issues."""
