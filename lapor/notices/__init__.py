"""What people are told about reports: notices built from the event feed (ADR 0032) and queued
in the outbox (lapor.notify)."""
