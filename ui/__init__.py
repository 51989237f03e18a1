"""Gradio chat window over rag.api (see ui/app.py)."""
