"""The overlay's clients: `_async` is written by hand, `_sync` is generated from it (codegen/unasync.py)."""
