"""Question types. Each is one module with one class implementing ``QuestionType``; importing this
package registers them all, so a new type is one new file here (plus its template)."""

from app.assessments.question_types import (  # noqa: F401  (registers each type)
    matching,
    multiple_response,
    ordering,
    short_text,
    single_choice,
    true_false,
)
from app.assessments.question_types.base import REGISTRY, InvalidAnswer, QuestionType, question_type

__all__ = ["REGISTRY", "InvalidAnswer", "QuestionType", "question_type"]
