"""The SDK compiler: openapi.yaml -> IR -> Jinja2 templates -> formatted Python and reference.md."""
