"""Pinned versions of every package the template and the projects it bakes install."""
