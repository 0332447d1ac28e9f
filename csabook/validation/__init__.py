"""Validation in one place: each file, each edition, and the checks across files and years."""
