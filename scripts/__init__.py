"""Command-line helpers the Makefile runs."""
