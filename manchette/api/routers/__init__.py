"""API routers, one module per resource; ``manchette.api.api`` mounts them."""
