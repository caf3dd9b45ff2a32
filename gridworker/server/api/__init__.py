"""HTTP: the FastAPI app factory (app.py), the routes of PROTOCOL.md (routes.py, blobs.py), errors turned into answers (errors.py)."""
