"""models.dbtypes.saved_id: the id of a flushed row, never an optional one passed on."""

from __future__ import annotations

import pytest

from models import Tenant
from models.dbtypes import saved_id


def test_saved_id_is_the_primary_key() -> None:
    assert saved_id(Tenant(id=7, name='A', slug='a')) == 7


def test_saved_id_refuses_a_row_not_yet_flushed() -> None:
    with pytest.raises(ValueError, match='Tenant has no id yet'):
        saved_id(Tenant(name='A', slug='a'))
