"""The dashboard page, scripts and styles (package data: listed here so wheels ship them)."""
