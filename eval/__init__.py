"""Evaluation suite: known questions with gold answers and sources (see eval/README.md)."""
