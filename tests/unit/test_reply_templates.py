"""Reply templates and gearbox matching keys (issue 12 #1, #3): pure tables."""

from __future__ import annotations

import pytest

from lookup import templates, unitkeys

FOUND = {'vehicle': {'make': 'VOLKSWAGEN', 'model': 'GOLF', 'year': '2010'},
         'gearbox': {'model': 'KCK', 'factory_code': 'KCK', 'oem': '02Q300048H'},
         'evidence': {'final_url': 'https://podzamenu.ru/catalog/vin/WVWZZZ1KZAW000001'}}


@pytest.mark.parametrize(('outcome', 'gearbox', 'kind'), [
    pytest.param('FOUND', {'model': 'KCK', 'oem': '02Q300048H'}, 'found', id='found'),
    pytest.param('FOUND', {'model': 'KCK'}, 'model_only', id='found-without-oem-is-model-only'),
    pytest.param('MODEL_ONLY', {'model': 'KCK'}, 'model_only', id='model-only'),
    pytest.param('MODEL_ONLY', {'model': '5MT'}, 'need_plate', id='generic-code-needs-the-plate'),
    pytest.param('NOT_AVAILABLE', {'model': 'F17', 'factory_code': 'MDG'}, 'model_only', id='not-available-with-code'),
    pytest.param('NOT_AVAILABLE', {}, 'need_plate', id='not-available-no-code'),
    pytest.param('NOT_FOUND', {'model': 'KCK', 'needs_manual_kpp_code': True}, 'need_plate', id='manual-kpp-code'),
    pytest.param('VEHICLE_NOT_FOUND', {}, 'not_found', id='vehicle-not-found'),
    pytest.param('SITE_ERROR', {}, 'site_unavailable', id='site-error'),
    pytest.param('TIMEOUT', {}, 'site_unavailable', id='timeout'),
    pytest.param('BLOCKED', {}, 'site_unavailable', id='blocked'),
    pytest.param('BROWSER_UNAVAILABLE', {}, 'site_unavailable', id='browser'),
])
def test_the_template_a_case_calls_for(outcome: str, gearbox: dict, kind: str) -> None:
    assert templates.kind_for(outcome, {'gearbox': gearbox}) == kind


def test_every_kind_has_a_default_that_validates() -> None:
    assert set(templates.DEFAULTS) == set(templates.KINDS)
    for text in templates.DEFAULTS.values():
        assert templates.validate(text) == text


def test_a_found_reply_is_filled_from_the_case() -> None:
    values = templates.values_for(id_type='VIN', value='WVWZZZ1KZAW000001', tag=None, result=FOUND, customer='Игорь')
    text = templates.render(templates.DEFAULTS['found'], values)
    assert text.startswith('Здравствуйте, Игорь!\n')
    assert 'VIN WVWZZZ1KZAW000001' in text and 'VOLKSWAGEN GOLF 2010' in text
    assert 'Коробка передач: KCK, номер агрегата (OEM): 02Q300048H.' in text
    assert 'https://podzamenu.ru/catalog/vin/WVWZZZ1KZAW000001' in text
    assert 'нише запасного колеса' in text  # no tag: where the VW plate is
    assert '$' not in text and '\n\n\n' not in text


def test_with_a_tag_the_plate_request_line_goes_and_codes_show_the_factory_code() -> None:
    result = {'vehicle': {'make': 'TOYOTA'}, 'gearbox': {'model': 'F17', 'factory_code': 'MDG'}}
    values = templates.values_for(id_type='FRAME', value='ZZT240-0012345', tag='MDG', result=result)
    text = templates.render(templates.DEFAULTS['model_only'], values)
    assert text.startswith('Здравствуйте!\n')  # no customer name
    assert 'номер кузова ZZT240-0012345' in text
    assert 'F17 (заводской код MDG)' in text
    assert 'шильдик' not in text  # the customer already sent the marking
    assert 'Страница в каталоге: —' in text  # a missing value is a dash, not an empty gap


@pytest.mark.parametrize(('make', 'model', 'needle'), [
    pytest.param('VOLKSWAGEN', 'KCK', 'трёхбуквенный', id='vag'),
    pytest.param('skoda', None, 'трёхбуквенный', id='vag-lower-case'),
    pytest.param('TOYOTA', 'U660E', 'TRANS/AXLE', id='toyota'),
    pytest.param('KIA', None, '«TRANS»', id='kia'),
    pytest.param(None, '722.964', '722.xxx', id='mercedes-by-code'),
    pytest.param('LADA', None, 'металлической табличке', id='generic'),
])
def test_where_the_plate_is(make: str | None, model: str | None, needle: str) -> None:
    assert needle in templates.plate_hint(make, model)


@pytest.mark.parametrize(('text', 'code'), [
    pytest.param('', 'TEMPLATE_EMPTY', id='empty'),
    pytest.param('   \n ', 'TEMPLATE_EMPTY', id='blank'),
    pytest.param('x' * 4001, 'TEMPLATE_TOO_LONG', id='too-long'),
    pytest.param('Цена 100 $ за штуку', 'TEMPLATE_SYNTAX', id='stray-dollar'),
    pytest.param('OEM: ${oem', 'TEMPLATE_SYNTAX', id='unclosed-brace'),
    pytest.param('Машина $car.__class__', None, id='no-attribute-access-just-text'),
    pytest.param('Привет, $name', 'TEMPLATE_PLACEHOLDER', id='unknown-placeholder'),
    pytest.param('{{ config }} $car', None, id='jinja-syntax-is-plain-text'),
    pytest.param('Цена 100 $$, OEM ${oem}', None, id='escaped-dollar-and-braces'),
])
def test_template_validation(text: str, code: str | None) -> None:
    if code is None:
        assert templates.validate(text)
        return
    with pytest.raises(templates.TemplateInvalid) as err:
        templates.validate(text)
    assert err.value.code == code


def test_rendering_evaluates_nothing() -> None:
    values = templates.values_for(id_type='VIN', value='V', tag=None, result=FOUND)
    assert templates.render('$car.__class__ {{ 7*7 }} $$', values) == 'VOLKSWAGEN GOLF 2010.__class__ {{ 7*7 }} $'


@pytest.mark.parametrize(('fn', 'raw', 'key'), [
    pytest.param(unitkeys.oem_key, '02Q 300 048 H', '02Q300048H', id='oem-spaces'),
    pytest.param(unitkeys.oem_key, '31020-3vx2d', '310203VX2D', id='oem-dash-case'),
    pytest.param(unitkeys.oem_key, '', None, id='oem-empty'),
    pytest.param(unitkeys.gearbox_key, 'kck', 'KCK', id='code'),
    pytest.param(unitkeys.gearbox_key, '722.964', '722.964', id='mercedes-keeps-dot'),
    pytest.param(unitkeys.gearbox_key, '5MT', None, id='generic-5mt'),
    pytest.param(unitkeys.gearbox_key, 'M-CVT', None, id='generic-m-cvt'),
    pytest.param(unitkeys.gearbox_key, 'АКПП', None, id='generic-akpp'),
    pytest.param(unitkeys.gearbox_key, None, None, id='none'),
])
def test_matching_keys(fn, raw: str | None, key: str | None) -> None:  # noqa: ANN001
    assert fn(raw) == key
