"""Use cases: take the actor and the data explicitly, return results and events to broadcast.

This package is the only place that commits.
"""
