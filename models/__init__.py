"""SQLModel tables (no queries here). Importing this package registers every table on SQLModel.metadata."""

from models.conversations import Conversation, Message
from models.lookups import ACTIVE_STATUSES, CaseStatus, LookupCache, LookupCase
from models.tenancy import ApiToken, Role, Tenant, User, UserSession

__all__ = ['ACTIVE_STATUSES', 'ApiToken', 'CaseStatus', 'Conversation', 'LookupCache', 'LookupCase', 'Message',
           'Role', 'Tenant', 'User', 'UserSession']
