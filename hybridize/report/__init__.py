"""Renderers of finished analyses: text for ``check`` and ``explain`` (JSON comes from the API)."""
