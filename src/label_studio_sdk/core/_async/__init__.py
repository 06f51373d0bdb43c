"""Clients, pagers and streams: ``core/_async`` is written by hand, ``core/_sync`` is generated from it."""
