"""Monitoring rollups: the indicator counters kept up to date on every transition, so that a
dashboard reads a few hundred summed rows instead of every report and event (ADR 0019, ADR 0029).

How they stay exact — *contribution deltas*. Every report contributes to a handful of rollup
cells (its cohort row as the nation sees it, its cohort row at its agency and unit, one row per
reception the agency decided and per "not our authority" it answered, its "overdue now" row, and
the working-day durations of its follow-up and completion). What a report contributes is a pure
function of a small snapshot, its `Facts` (`facts.py`), kept on the report row itself
(`Report.monitoring_facts`).

On a transition, `lapor.reports.services` calls `recording.record` under the report's row lock:
the new facts are derived (`folding.py`), the cells of the old facts are subtracted and those of
the new ones added (`cells.py`), and the difference is written with one multi-row UPSERT (plus
one for the duration histogram when a duration appeared or moved) led by the event's INSERT
(`writing.py`). Rows are only ever incremented by deltas, so concurrent transitions of different
reports commute. Activity (an official acted on a report) is an increment-only counter.

Each cell is kept at two grains: per day ("D") and per calendar month ("M", keyed by its first
day), so a period reads its whole months from the monthly rows and only its ragged ends from the
daily rows (`lapor/monev/rollups.py`, which reads them). A change outside a report's lifecycle
(a category's priority, the holiday calendar) is queued (`refresh.py`) and worked off by the
background job. `lapor/monev/recount.py` recomputes everything from the event log (`verify`,
`rebuild`); `accumulate.py` sums many reports' cells in memory for it and for bulk loads.

The layer: below `lapor.reports` (whose writer calls it) and above `lapor.agencies` and
`lapor.core`; of `reports` it reads only the vocabulary (`reports.states`)."""
