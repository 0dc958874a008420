"""Server-rendered pages: the hosted Link flow (and, later, the portal)."""
