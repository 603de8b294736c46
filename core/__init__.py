"""What every app of the desk shares: errors, versioning, history, text folding, search
configuration, admin and API base classes, CSV safety, markdown. It imports no app of the desk."""
