"""The claims app's REST API: partner reads and desk writes, mounted under /api/v1/ in config/urls.py."""
