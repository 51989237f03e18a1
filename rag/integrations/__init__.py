"""Adapters that put the engine inside other frameworks (each imports its framework only when imported)."""
