"""wordpress package."""
