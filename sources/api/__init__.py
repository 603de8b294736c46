"""The sources app's REST API (outlets and stories), mounted under /api/v1/ in config/urls.py."""
