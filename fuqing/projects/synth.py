"""Synthetic projects at scale (filled in below)."""
