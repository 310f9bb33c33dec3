"""Demo data for `make run`: demo accounts for every role and ~2,000 reports walked through the
real services (see lapor/demo/management/commands/load_demo.py). Never for production.

All texts come from this package's own templates and word lists (themes.py, phrases.py);
nothing is copied from the complaint corpora.
"""
