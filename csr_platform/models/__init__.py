from csr_platform.models.invitations import Invitation
from csr_platform.models.notifications import Notification
from csr_platform.models.organizations import Membership, Organization
from csr_platform.models.security import SecurityEvent
from csr_platform.models.tokens import ApiToken
from csr_platform.models.users import User

__all__ = [
    "ApiToken",
    "Invitation",
    "Membership",
    "Notification",
    "Organization",
    "SecurityEvent",
    "User",
]
