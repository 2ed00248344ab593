"""The version of parcours (the OpenAPI document names it)."""

__version__ = "0.1.0"
