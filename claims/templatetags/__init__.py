"""Template tags and filters for the desk."""
