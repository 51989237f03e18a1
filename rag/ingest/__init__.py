"""Document ingestion: load by format, clean, chunk, embed, upsert (see pipeline.py)."""
