"""Issue 12 #2, several vehicle variants, on both backends: the tag selects the only variant it matches when the
result arrives (fresh or from the cache), a manager marks one (role re-checked at the moment of the action), and
the choice survives in the case row and the API read model."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lookup import auth, cache, cases, service, users, worker
from lookup.db import session_scope
from lookup.engine.outcomes import OemStatus, Outcome
from lookup.engine.result import Gearbox, LookupResult, Variant, Vehicle
from lookup.errors import Forbidden, NoSuchVariant, NotFound
from lookup.settings import get_settings
from models import Role, User

VIN = 'W0LPD6EA5C8012345'


def three_rows(vin: str = VIN) -> LookupResult:
    """What the engine returns for the sandbox's three-row Astra (scenario W0LPD6EA5C8012345)."""
    car = Vehicle(make='OPEL', model='ASTRA-J', year='2012', engine='A16XER')
    return LookupResult(
        query=vin, id_type='VIN', outcome=Outcome.FOUND, vehicle=car,
        gearbox=Gearbox(model='F17', factory_code='MDG', oem='55355911', oem_status=OemStatus.FOUND),
        variants=[Variant(vehicle=car, model='F17', raw_model='(MDG) F17 (CR) ТРАНСМИССИЯ', factory_code='MDG',
                          oem='55355911'),
                  Variant(vehicle=car, model='MR6', raw_model='(MR6) ТРАНСМИССИЯ'),
                  Variant(vehicle=car.model_copy(update={'engine': 'A14NET'}), model='Y4M', factory_code='MFG')])


def _visit(case_id: int, result: LookupResult) -> None:
    """The worker's part: claim the case and record the engine's result."""
    with session_scope() as s:
        assert cases.claim(session=s, case_id=case_id, worker_id='w1', lease=timedelta(minutes=1)) is not None
    worker._record(f'VIN:{result.query}', result, retries_left=0, settings=get_settings())


def _conversation(actor: auth.Actor) -> int:
    return service.list_conversations(actor, page_size=1).items[0].id


@pytest.mark.parametrize(('tag', 'selected', 'by'), [
    pytest.param('MR6 0412', 1, 'tag', id='tag-matches-one'),
    pytest.param('A16XER', None, None, id='tag-matches-none'),
    pytest.param(None, None, None, id='no-tag'),
])
def test_a_tag_matching_exactly_one_variant_selects_it(manager, tag, selected, by) -> None:  # noqa: ANN001
    case = service.submit_lookup(manager, _conversation(manager), VIN, tag=tag)
    assert case.status == 'pending' and case.selected_variant is None
    _visit(case.id, three_rows())
    done = service.get_case(manager, case.id)
    assert done.status == 'completed' and len(done.result['variants']) == 3
    assert (done.selected_variant, done.variant_selected_by) == (selected, by)


def test_a_cache_hit_selects_by_its_own_tag(manager) -> None:  # noqa: ANN001
    with session_scope() as s:
        cache.store(session=s, cache_key=f'VIN:{VIN}', result=three_rows(), settings=get_settings())
    conv = _conversation(manager)
    hit = service.submit_lookup(manager, conv, VIN, tag='Y4M')
    assert hit.from_cache and (hit.selected_variant, hit.variant_selected_by) == (2, 'tag')
    assert service.submit_lookup(manager, conv, VIN).selected_variant is None


def test_a_manager_marks_a_variant_and_the_tag_never_overrides_it(manager) -> None:  # noqa: ANN001
    case = service.submit_lookup(manager, _conversation(manager), VIN, tag='MR6')
    _visit(case.id, three_rows())
    marked = service.select_variant(manager, case.id, 2)
    assert (marked.selected_variant, marked.variant_selected_by) == (2, 'manager')
    with session_scope() as s:  # the worker finishing the same case again (a duplicate delivery) keeps the choice
        row = s.get(cases.LookupCase, case.id)
        cases.finish_from_result(row, three_rows(), cache_row=None, from_cache=False)
    assert service.get_case(manager, case.id).selected_variant == 2
    cleared = service.select_variant(manager, case.id, None)
    assert (cleared.selected_variant, cleared.variant_selected_by) == (None, None)
    with pytest.raises(NoSuchVariant):
        service.select_variant(manager, case.id, 3)
    assert service.get_case(manager, case.id).selected_variant is None


def test_a_result_without_variants_has_nothing_to_mark(manager) -> None:  # noqa: ANN001
    case = service.submit_lookup(manager, _conversation(manager), VIN)
    _visit(case.id, three_rows().model_copy(update={'variants': []}))
    with pytest.raises(NoSuchVariant):
        service.select_variant(manager, case.id, 0)


def test_the_role_is_checked_at_the_moment_of_the_action(manager) -> None:  # noqa: ANN001
    case = service.submit_lookup(manager, _conversation(manager), VIN)
    _visit(case.id, three_rows())
    with session_scope() as s:  # demoted after the page (or the token's actor) was built
        s.get(User, manager.user_id).role = Role.VIEWER
    try:
        with pytest.raises(Forbidden):
            service.select_variant(manager, case.id, 1)
    finally:
        with session_scope() as s:
            s.get(User, manager.user_id).role = Role.MANAGER
    assert service.get_case(manager, case.id).selected_variant is None
    with session_scope() as s:  # a manager of another tenant: the case does not exist for them
        other = users.create_user(session=s, tenant=users.get_or_create_tenant(session=s, slug='other-variants'),
                                  username='other-manager', password='password-123', role=Role.MANAGER)
        stranger = auth.Actor.of(other)
    with pytest.raises(NotFound):
        service.select_variant(stranger, case.id, 1)
