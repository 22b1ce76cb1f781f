"""Whether a trainee has passed each module, what is outstanding, and the module's state: derived, never
stored.

A module is passed when its lessons are done, its quiz (if any) is passed, its written work (if any) is
released at Pass or above, and its portfolio requirements (if any) are met.

The rules are one pure function, ``assess`` (``rules``), over the facts about one trainee in one module.
The facts come from ``collect`` (``progress``): a fixed number of GROUP BY queries (``facts``) over any
set of enrolments (one trainee, a cohort, or every cohort for the Hub's reports), so the trainee's own
pages, the progress matrix and the reports always agree.
"""

from app.learning.outcomes.facts import Detail, modules_of
from app.learning.outcomes.progress import ModuleOutcome, TraineeProgress, collect, no_gc_pauses, outcomes
from app.learning.outcomes.rules import (
    WITH_MARKERS,
    Assessment,
    ModuleFacts,
    ModuleState,
    Need,
    PieceFacts,
    assess,
)

__all__ = [
    "WITH_MARKERS",
    "Assessment",
    "Detail",
    "ModuleFacts",
    "ModuleOutcome",
    "ModuleState",
    "Need",
    "PieceFacts",
    "TraineeProgress",
    "assess",
    "collect",
    "modules_of",
    "no_gc_pauses",
    "outcomes",
]
