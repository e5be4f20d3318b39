"""SQLModel tables (no queries here). Importing this package registers every table on SQLModel.metadata."""

from models.conversations import Conversation, DeliveryStatus, Message
from models.lookups import ACTIVE_STATUSES, CaseStatus, LookupCache, LookupCase
from models.replies import ReplyTemplate
from models.tenancy import ApiToken, Role, Tenant, User, UserSession

__all__ = ['ACTIVE_STATUSES', 'ApiToken', 'CaseStatus', 'Conversation', 'DeliveryStatus', 'LookupCache', 'LookupCase',
           'Message', 'ReplyTemplate', 'Role', 'Tenant', 'User', 'UserSession']
