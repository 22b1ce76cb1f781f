"""What assessments are, independent of storage: question types and their scoring, and rubric bands."""
