"""Fees' own tables share this declarative base (and its migrations)."""

from propops.db import make_base

Base = make_base()
