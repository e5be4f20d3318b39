"""Pure parser tests on saved HTML and literal cell texts (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lookup.engine.outcomes import Outcome, TagVerification
from lookup.engine.result import Gearbox, OemCandidate, Variant
from lookup.engine.sites.dom import snapshot_html
from lookup.engine.sites.podzamenu import codes, parse
from lookup.engine.sites.profrf.parse import parse_answer
from lookup.engine.tagcheck import auto_variant, matching_variants, normalize, verify

FIXTURES = Path(__file__).with_name('fixtures')


def snap(name: str) -> dict:
    return snapshot_html((FIXTURES / name).read_text(encoding='utf-8'))


@pytest.mark.parametrize(('raw', 'model', 'factory'), [
    pytest.param('KCK(6S)', 'KCK', 'KCK', id='vw'),
    pytest.param('(MDG) F17 (CR) ТРАНСМИССИЯ РУЧНОГО УПРАВЛЕНИЯ', 'F17', 'MDG', id='gm-f17'),
    pytest.param('(MFG) TRANSMISSION MAN 5 SPD, Y4M', 'Y4M', 'MFG', id='gm-after-comma'),
    pytest.param('(MR6) ТРАНСМИССИЯ РУЧНОГО УПРАВЛЕНИЯ', 'MR6', 'MR6', id='gm-rpo-only'),
    pytest.param('(MFH) 5-СКОР МЕХ КОРОБКА ПЕРЕДАЧ, D16 КРЕСТ', 'D16', 'MFH', id='gm-d16'),
    pytest.param('(MYB) КОРОБКА ПЕРЕДАЧ АВТОМАТИЧЕСКАЯ 6-СТУПЕНЧАТАЯ\nПодробнее', 'MYB', 'MYB', id='gm-more'),
    pytest.param('5MT', '5MT', None, id='5mt'),
    pytest.param('4AT', '4AT', None, id='4at'),
    pytest.param('M-CVT', 'M-CVT', None, id='m-cvt'),
    pytest.param('AT', 'AT', None, id='at'),
    pytest.param('АКПП', 'АКПП', None, id='akpp'),
    pytest.param('МКПП', 'МКПП', None, id='mkpp'),
    pytest.param('AW50/51 AWD', 'AW50/51', None, id='volvo'),
    pytest.param('AUTOMATIC TRANSMISSION', None, None, id='mazda-description'),
    pytest.param('S3SCD958948', 'S3SCD958948', None, id='hyundai-serial'),
    pytest.param('11080001310', '11080001310', None, id='digits-serial'),
    pytest.param('TRTC0 - 5R44E/5R55E - 5 Speed Auto Trans', '5R55E', '5R55E', id='ford-usa'),
    pytest.param('6DCT450 - MPS6 - PowerShift 6-Speed', '6DCT450', '6DCT450', id='ford-eu'),
    pytest.param('ZSA44L', None, None, id='body-code'),
    pytest.param('Europe', None, None, id='region'),
    pytest.param('09.2008', None, None, id='date'),
])
def test_clean_gearbox(raw: str, model: str | None, factory: str | None) -> None:
    assert codes.clean_gearbox(raw) == (model, factory)


def test_ford_description_needs_the_ford_rule() -> None:
    assert codes.clean_gearbox('5-ступенчатая механическая- B5/IB5', ford=True) == ('IB5', 'IB5')


@pytest.mark.parametrize(('text', 'code'), [
    ('GA - автоматическая КП: 722964 04 060017 (722.964 W7 X 700...)', '722.964'),
    ('M - двигатель 271.820\nGA - коробка 722.9xx, КП: 722902 01', '722.902'),
    ('без агрегатов', None),
])
def test_aggregate_code(text: str, code: str | None) -> None:
    assert codes.aggregate_code(text) == code


@pytest.mark.parametrize(('value', 'valid'), [
    ('09G323571T', True), ('A 204 270 84 04', True), ('FWLB-03-000', True), ('QCE(6A)', False), ('DQ250', False),
    ('12345', False), ('AB:12345', False), ('ABCDEFGH', False),
])
def test_oem_validity(value: str, valid: bool) -> None:
    assert codes.is_valid_oem(value) is valid


def test_horizontal_vehicle_table_first_row_and_title() -> None:
    info = parse.parse_vehicle(snap('vehicle_horizontal.html'))
    v = info.vehicle
    assert (v.make, v.model, v.year, v.engine, v.body) == ('NISSAN', 'ALMERA', '09.2008', 'QG15DE', 'N16')
    assert info.kpp == '5MT' and info.rows == 2
    gb = parse.gearbox_from_vehicle(info)
    assert (gb.model, gb.factory_code) == ('5MT', None)


def test_every_vehicle_row_is_a_variant_with_its_own_gearbox() -> None:
    page = snap('vehicle_horizontal.html')
    found = parse.variants(page, parse.parse_vehicle(page).rows, wmi='', is_vin=False)
    assert [(v.vehicle.model, v.vehicle.engine, v.vehicle.body, v.model) for v in found] == [
        ('ALMERA', 'QG15DE', 'N16', '5MT'), ('ALMERA CLASSIC', 'QG16DE', 'B10', '4AT')]
    assert all(v.vehicle.make == 'NISSAN' and v.oem is None for v in found)  # the title applies to every row
    assert parse.variants(page, 1, wmi='', is_vin=False) == []  # one row: nothing to choose


def test_gm_cell_with_more_control_and_marking() -> None:
    info = parse.parse_vehicle(snap('vehicle_gm_more.html'))
    assert info.kpp == '(MFH) 5-СКОР МЕХ КОРОБКА ПЕРЕДАЧ, D16 КРЕСТ\nПодробнее'
    gb = parse.gearbox_from_vehicle(info)
    assert gb.model == 'D16'
    assert gb.factory_code == 'D16MFH'  # «Маркировка:» on the page wins (§3.6 source 1)


def test_key_value_table_two_word_make_and_ford_shortcut() -> None:
    info = parse.parse_vehicle(snap('vehicle_kv_landrover.html'))
    assert info.vehicle.make == 'LAND ROVER'
    assert info.vehicle.model == 'FREELANDER 2'
    assert info.vehicle.drive == 'AWD'
    gb = parse.gearbox_from_vehicle(info, wmi='SAL')
    shortcut = parse.model_only(info, gb, wmi='SAL', is_vin=True)
    assert shortcut is not None
    assert (shortcut.model, shortcut.factory_code, shortcut.oem_status) == ('AWF21', 'AWF21', 'MODEL_ONLY')


def test_vw_shortcut_needs_a_value_and_a_listed_wmi() -> None:
    info = parse.VehicleInfo(kpp='QCE(6A)')
    gb = parse.gearbox_from_vehicle(info, wmi='WVW')
    assert parse.model_only(info, gb, wmi='WVW', is_vin=True).model == 'QCE'
    assert parse.model_only(info, gb, wmi='3VW', is_vin=True) is None
    assert parse.model_only(info, gb, wmi='WVW', is_vin=False) is None
    empty = parse.VehicleInfo()
    assert parse.model_only(empty, parse.gearbox_from_vehicle(empty), wmi='WVW', is_vin=True) is None


def test_mercedes_aggregates_hidden_text_is_read_as_text_content() -> None:
    info = parse.parse_vehicle(snap('vehicle_mercedes.html'))
    assert info.vehicle.make == 'MERCEDES-BENZ'
    assert parse.gearbox_from_vehicle(info).model == '722.964'


def test_not_found_phrases_only_from_visible_content() -> None:
    s = snap('unknown_vin.html')
    assert 'не найден' not in s['text'].lower()
    info = parse.parse_vehicle(s)
    assert not info.has_data and info.vehicle.make is None


def test_detail_cells_choose_the_assembly_over_a_module() -> None:
    s = snap('parts_detail.html')
    parts = parse.parse_parts(s, skip_tables={'Модель|КПП'})
    assert parts.layout == 'detail-cells'
    assert [c.oem for c in parts.valid] == ['8954242010', '3050042260', '9004A01']
    chosen, ranked, reason = parse.choose(parts.valid)
    assert chosen.oem == '3050042260' and reason == 'assembly word'
    assert {c.name for c in ranked[1:]} == {'Блок управления АКПП', 'Болт'}  # excluded words rank last
    assert parts.model_hint == 'U660E'


def test_applicability_cells_give_no_model() -> None:
    parts = parse.parse_parts(snap('parts_applicability.html'))
    assert [c.oem for c in parts.valid] == ['SYN9876543']
    assert parts.model_hint is None
    assert parse.choose(parts.valid)[2] == 'first valid OEM in page order'


def test_links_are_deduplicated_and_chrome_ignored() -> None:
    parts = parse.parse_parts(snap('parts_links.html'))
    assert parts.layout == 'part-links'
    assert [(c.oem, c.name) for c in parts.raw] == [('310203VX2D', 'Вариатор в сборе'),
                                                    ('310203VX2E', 'Прокладка поддона')]


def test_a_link_that_reads_the_part_name_pairs_it_with_its_number() -> None:
    html = """<main><ul class="Parts_linkList__q1">
      <li><a href="/search?query=954404C000">Блок управления АКПП</a> <span>954404C000</span></li>
      <li><a href="/search?query=218302H000">Кронштейн КПП</a> <span>218302H000</span></li>
      <li><a href="/search?query=4500026021">АКПП в сборе</a> <span>4500026021</span></li>
      <li><a href="/search?query=4500026099">Подробнее</a> <span>4500026099</span> <span>АКПП (рестайлинг)</span></li>
    </ul></main>"""
    parts = parse.parse_parts(snapshot_html(html))
    assert [(c.oem, c.name) for c in parts.raw] == [
        ('954404C000', 'Блок управления АКПП'), ('218302H000', 'Кронштейн КПП'), ('4500026021', 'АКПП в сборе'),
        ('4500026099', 'АКПП (рестайлинг)')]  # a generic action names nothing: the row's text does
    assert parse.choose(parts.valid)[0].oem == '4500026021'


def test_plain_html_table_keeps_spaces_and_skips_the_vehicle_table() -> None:
    parts = parse.parse_parts(snap('parts_html_table.html'), skip_tables={'Модель|Используемые агрегаты'})
    assert parts.layout == 'html-table'
    assert parse.choose(parts.valid)[0].oem == 'A 204 270 84 04'


def test_mui_table_with_nested_header_removes_whitespace() -> None:
    parts = parse.parse_parts(snap('parts_mui_table.html'))
    assert parts.layout == 'dom-table'
    assert [c.oem for c in parts.valid] == ['310201XF0C', '310201XF0D']
    assert parse.choose(parts.valid)[0].oem == '310201XF0D'


def test_headerless_column_and_dashed_oem() -> None:
    parts = parse.parse_parts(snap('parts_headerless.html'))
    assert parse.choose(parts.valid)[0].oem == 'FWLB-03-000'


def test_only_factory_codes_are_not_valid() -> None:
    parts = parse.parse_parts(snap('parts_factory_only.html'))
    assert parts.raw and not parts.valid
    assert parts.factory_codes == ['DQ250']


def test_choose_keeps_ten_candidates() -> None:
    cands = [OemCandidate(oem=f'12345{i:02d}X', name='Шайба') for i in range(15)]
    chosen, ranked, reason = parse.choose(cands)
    assert len(ranked) == 10 and chosen.oem == '1234500X' and reason == 'only excluded names'


def test_profrf_heading_blocks_and_missing() -> None:
    heading = parse_answer(snap('profrf_heading.html'))
    assert heading.outcome is Outcome.FOUND and heading.gearbox.oem == '3043001600'
    assert heading.vehicle.make == 'CHERY'
    blocks = parse_answer(snap('profrf_blocks.html'))
    assert blocks.outcome is Outcome.FOUND
    assert (blocks.gearbox.oem, blocks.gearbox.model) == ('3043001700', 'АКПП в сборе')
    assert parse_answer(snap('profrf_missing.html')).outcome is Outcome.VEHICLE_NOT_FOUND
    assert parse_answer({'text': '', 'headings': [], 'tables': []}).outcome is Outcome.VEHICLE_NOT_FOUND


def test_profrf_gearbox_line_without_parts_is_a_model_without_an_oem() -> None:
    page = snapshot_html('<main><p>Марка: GEELY</p><p>Модель: COOLRAY</p><p>Коробка передач: 7DCT300</p></main>')
    answer = parse_answer(page)
    assert answer.outcome is Outcome.NOT_AVAILABLE
    assert (answer.gearbox.model, answer.gearbox.raw_model, answer.gearbox.oem) == ('7DCT300', '7DCT300', None)
    assert answer.gearbox.factory_code is None  # this site gives no factory code (§7)


@pytest.mark.parametrize(('tag', 'gearbox', 'expected'), [
    (None, Gearbox(model='KCK'), TagVerification.NO_TAG),
    ('kck', Gearbox(model='KCK', raw_model='KCK(6S)'), TagVerification.VERIFIED_MATCH),
    ('qce(6a)', Gearbox(model='QCE', raw_model='QCE(6A)'), TagVerification.VERIFIED_MATCH),
    ('АКПП', Gearbox(model='АКПП'), TagVerification.VERIFIED_MATCH),
    ('Е4М', Gearbox(model='E4M'), TagVerification.VERIFIED_MATCH),  # Cyrillic look-alikes
    ('5R55E', Gearbox(model='4F27E'), TagVerification.MISMATCH),
    ('30500-52260', Gearbox(oem_candidates=[OemCandidate(oem='3050052260')]), TagVerification.VERIFIED_MATCH),
    ('F17', Gearbox(), TagVerification.UNVERIFIED),
])
def test_tag_verification(tag: str | None, gearbox: Gearbox, expected: TagVerification) -> None:
    assert verify(tag, gearbox) is expected


ROWS = [Variant(model='F17', raw_model='(MDG) F17 (CR) ТРАНСМИССИЯ', factory_code='MDG', oem='55355911'),
        Variant(model='MR6', raw_model='(MR6) ТРАНСМИССИЯ'), Variant(model='F17', factory_code='MFG')]


@pytest.mark.parametrize(('tag', 'matches', 'auto'), [
    pytest.param('MR6 0412', [1], 1, id='one-row-by-prefix'),
    pytest.param('mdg', [0], 0, id='factory-code'),
    pytest.param('55355911', [0], 0, id='oem-of-the-first-row'),
    pytest.param('F17', [0, 2], None, id='several-rows-manager-picks'),
    pytest.param('KCK', [], None, id='none'),
    pytest.param(None, [], None, id='no-tag'),
])
def test_tag_selects_a_variant_only_when_it_matches_exactly_one(tag: str | None, matches: list[int],
                                                                 auto: int | None) -> None:
    assert matching_variants(tag, ROWS) == matches
    assert auto_variant(tag, ROWS) == auto


def test_normalize() -> None:
    assert normalize(' qce (6a) ') == 'QCE6A'


def test_gearbox_codes_in_label_value_pairs_outside_the_table() -> None:
    """dl/dt/dd pairs (label with a non-breaking space and a line break), label/value rows and «label: value» lines
    of the vehicle block are read like key/value rows; text inside the catalogue and the chrome is not."""
    s = snap('vehicle_pairs.html')
    info = parse.parse_vehicle(s)
    assert info.kpp == 'JR5123'
    assert (info.vehicle.make, info.vehicle.model) == ('RENAULT', 'MEGANE III')
    assert info.vehicle.engine == 'K4M 838' and info.vehicle.year == '03.2011'
    assert parse.gearbox_from_vehicle(info).model == 'JR5123'
    assert 'NOT-THIS' not in s['vehicle_text']


def test_mercedes_aggregates_as_a_label_value_pair() -> None:
    info = parse.parse_vehicle(snap('vehicle_pairs_mercedes.html'))
    assert info.aggregates and '722964' in info.aggregates
    assert parse.gearbox_from_vehicle(info).model == '722.964'


@pytest.mark.parametrize(('label', 'field'), [
    pytest.param('Тип коробки передач', 'kpp', id='type'),
    pytest.param('Коробка передач', 'kpp', id='box'),
    pytest.param('КП', 'kpp', id='kp'),
    pytest.param('Модель КПП', 'kpp_model', id='model'),
    pytest.param('Заводской номер коробки передач', 'factory_col', id='factory'),
    pytest.param('Модель\nКПП', 'kpp_model', id='line-break'),
    pytest.param('Модель\u00a0КПП', 'kpp_model', id='nbsp'),
])
def test_gearbox_labels(label: str, field: str) -> None:
    assert parse._field_for(parse._label(label), horizontal=False) == field
