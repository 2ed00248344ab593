"""Marshmallow schemas, one module per resource, shared by HTTP, Socket.IO and the CLI."""
