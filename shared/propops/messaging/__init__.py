"""Reliable messaging: the outbox (events out), the inbox (events in), dead letters."""
