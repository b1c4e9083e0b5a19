"""Integrations with other packages, each loaded only when that package is installed."""
