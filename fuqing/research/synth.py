"""Synthetic research data."""
