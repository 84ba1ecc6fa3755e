"""The web application: JSON API under /api/v1/ and server-rendered pages over the Service.

``create_app(service)`` builds it; ``brightline serve`` runs it with uvicorn.
"""

from brightline.web.app import create_app

__all__ = ["create_app"]
