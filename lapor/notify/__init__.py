"""The outbox: e-mail and SMS messages written in the caller's transaction and delivered after
commit, with retries. See docs/decisions/0011-citizen-accounts-and-outbox.md."""
