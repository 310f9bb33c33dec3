"""Account pages, one module per capability (two-factor, sign-up and password reset, management,
officials' notice settings)."""
