"""The unit of work of an operation: parcours.services.unit.transaction.

It commits on success and then hands what the use case told (parcours.services.broadcasts) to
the publisher bound in init_app (parcours.process.publisher); on error it rolls back and drops
it. Operations, page actions (`page_action`) and the clock's ticker all run in it; this
package knows no sockets.
"""

from __future__ import annotations

from parcours.services.broadcasts import deliver as send
from parcours.services.unit import transaction as unit_of_work

__all__ = ["send", "unit_of_work"]
