"""SQLModel tables (no queries here). Importing this package registers every table on SQLModel.metadata."""

from models.batches import BATCH_CHANNEL, Batch, BatchItem, ItemState
from models.conversations import Conversation, DeliveryStatus, Message
from models.lookups import ACTIVE_STATUSES, CaseStatus, LookupCache, LookupCase
from models.replies import ReplyTemplate
from models.site_health import SiteAlarm, SiteSignal
from models.tenancy import ApiToken, Role, Tenant, User, UserSession

__all__ = ['ACTIVE_STATUSES', 'BATCH_CHANNEL', 'ApiToken', 'Batch', 'BatchItem', 'CaseStatus', 'Conversation',
           'DeliveryStatus', 'ItemState', 'LookupCache', 'LookupCase', 'Message', 'ReplyTemplate', 'Role', 'SiteAlarm',
           'SiteSignal', 'Tenant', 'User', 'UserSession']
