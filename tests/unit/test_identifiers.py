"""Identifier normalisation decides the cache key: tested as a table."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lookup.detect import Reason, detect
from lookup.engine.identifiers import VIN_ALPHABET, IdType, is_frame, parse, vin_shaped
from lookup.errors import InvalidIdentifier

EU_VIN = 'WVWZZZ1KZ8W123456'
RU_VIN = 'XTA21099043123456'
NA_VIN = '1HGCM82633A004352'  # check digit (position 9) is correct


@pytest.mark.parametrize(('raw', 'id_type', 'kind', 'value', 'converted', 'hints'), [
    pytest.param(EU_VIN, None, IdType.VIN, EU_VIN, False, (), id='eu-vin-kept-exactly'),
    pytest.param('  wvwzzz1kz8w123456 \n', None, IdType.VIN, EU_VIN, False, (), id='vin-lowercase-trimmed'),
    pytest.param('WVW ZZZ 1K Z8W 123456', None, IdType.VIN, EU_VIN, False, (), id='vin-spaces'),
    pytest.param('WVW\u00a0ZZZ\u202f1KZ8W\t123456', None, IdType.VIN, EU_VIN, False, (), id='vin-nbsp-and-tabs'),
    pytest.param('XTA-21099-0431-23456', None, IdType.VIN, RU_VIN, False, (), id='vin-hyphens'),
    pytest.param('XTA\u201321099\u20130431\u201323456', None, IdType.VIN, RU_VIN, False, (), id='vin-en-dash'),
    pytest.param('XTA\u201421099\u20140431\u201423456', None, IdType.VIN, RU_VIN, False, (), id='vin-em-dash'),
    pytest.param('XTA\u221221099\u22120431\u221223456', None, IdType.VIN, RU_VIN, False, (), id='vin-minus-sign'),
    pytest.param('XTA\u201121099\u20110431\u201123456', None, IdType.VIN, RU_VIN, False, (), id='vin-nb-hyphen'),
    pytest.param('XTA_21099_0431_23456', None, IdType.VIN, RU_VIN, False, (), id='vin-underscores'),
    pytest.param('XTA - 21099 - 0431 - 23456', None, IdType.VIN, RU_VIN, False, (), id='vin-spaced-dashes'),
    pytest.param('\ufeffXTA21099\u200e043123456\u200d', None, IdType.VIN, RU_VIN, False, (), id='vin-invisible-marks'),
    pytest.param('ХТА21099043123456', None, IdType.VIN, RU_VIN, True, (), id='vin-cyrillic-caps-converted'),
    pytest.param('хта21099043123456', None, IdType.VIN, RU_VIN, True, (), id='vin-cyrillic-lower-converted'),
    pytest.param('WVWZZZ1КZ8W123456', None, IdType.VIN, EU_VIN, True, (), id='vin-one-cyrillic-k'),
    pytest.param(NA_VIN, None, IdType.VIN, NA_VIN, False, (), id='na-vin-check-digit-ok'),
    pytest.param('1HGCM82643A004352', None, IdType.VIN, '1HGCM82643A004352', False, ('CHECK_DIGIT_MISMATCH',),
                 id='na-vin-check-digit-mismatch-is-a-hint'),
    pytest.param('JTDBR32E530012345', None, IdType.VIN, 'JTDBR32E530012345', False, (),
                 id='non-na-vin-check-digit-not-checked'),
    pytest.param('ZZT240-0012345', None, IdType.FRAME, 'ZZT240-0012345', False, (), id='frame-hyphen-kept'),
    pytest.param('ZZT2400012345', None, IdType.FRAME, 'ZZT2400012345', False, (), id='frame-plain'),
    pytest.param(' zzt240\u20130012345 ', None, IdType.FRAME, 'ZZT240-0012345', False, (), id='frame-en-dash-lower'),
    pytest.param('ZZT240 0012345', None, IdType.FRAME, 'ZZT2400012345', False, (), id='frame-space-dropped'),
    pytest.param('ЕЕ111-0123456', None, IdType.FRAME, 'EE111-0123456', True, (), id='frame-cyrillic-converted'),
    pytest.param('ZZX100987654', None, IdType.FRAME, 'ZZX100987654', False, (), id='frame-glued-9-digit-serial'),
    pytest.param('JZX100-0054321', None, IdType.FRAME, 'JZX100-0054321', False, (), id='frame-jzx-hyphen'),
    pytest.param('GX110-6012345', None, IdType.FRAME, 'GX110-6012345', False, (), id='frame-two-letter-model'),
    pytest.param('L350S-0012345', None, IdType.FRAME, 'L350S-0012345', False, (), id='frame-model-letter-suffix'),
    pytest.param('AGH30W0012345', None, IdType.FRAME, 'AGH30W0012345', False, (), id='frame-glued-letter-suffix'),
    pytest.param('S15-012345', None, IdType.FRAME, 'S15-012345', False, (), id='frame-one-letter-model-hyphen'),
    pytest.param('ZZT2400012345', 'frame', IdType.FRAME, 'ZZT2400012345', False, (), id='explicit-frame-lowercase'),
    pytest.param(RU_VIN, IdType.VIN, IdType.VIN, RU_VIN, False, (), id='explicit-vin-enum'),
    pytest.param(RU_VIN, 'VIN', IdType.VIN, RU_VIN, False, (), id='explicit-vin-str'),
])
def test_parse_normalises(raw, id_type, kind, value, converted, hints):
    ident = parse(raw, id_type)
    assert (ident.kind, ident.value, ident.lookalikes_converted, ident.hints) == (kind, value, converted, hints)
    assert ident.raw == raw


@pytest.mark.parametrize(('raw', 'id_type', 'code', 'params'), [
    pytest.param('', None, 'EMPTY', {}, id='empty'),
    pytest.param('   \n', None, 'EMPTY', {}, id='blank'),
    pytest.param(None, None, 'EMPTY', {}, id='none'),
    pytest.param('WVWZZZ1KZ8W12345', None, 'VIN_LENGTH', {'n': 16}, id='vin-16'),
    pytest.param('WVWZZZ1KZ8W1234567', None, 'VIN_LENGTH', {'n': 18}, id='vin-18'),
    pytest.param('ZZT240-0012345', 'VIN', 'VIN_LENGTH', {'n': 13}, id='frame-forced-as-vin'),
    pytest.param('WVWZZZ1KZ8WO23456', None, 'VIN_FORBIDDEN_LETTERS', {}, id='vin-letter-o'),
    pytest.param('XTA2I099043123456', None, 'VIN_FORBIDDEN_LETTERS', {}, id='vin-letter-i'),
    pytest.param('XTA21Q99043123456', None, 'VIN_FORBIDDEN_LETTERS', {}, id='vin-letter-q'),
    pytest.param('ХТА21О99043123456', None, 'VIN_FORBIDDEN_LETTERS', {}, id='vin-cyrillic-o-not-rewritten'),
    pytest.param('XTA21099#43123456', None, 'VIN_CHARS', {}, id='vin-punctuation'),
    pytest.param('VIN: XTA21099043123456', None, 'VIN_CHARS', {}, id='label-belongs-to-detect-not-parse'),
    pytest.param('XTA2109904312345Ж', None, 'VIN_CHARS', {}, id='vin-cyrillic-non-lookalike'),
    pytest.param(RU_VIN, 'FRAME', 'FRAME_FORMAT', {}, id='vin-forced-as-frame'),
    # A VIN with one character missing or extra is a near-VIN, never a FRAME (issue 11).
    pytest.param('JTMBD33V00512345', None, 'VIN_LENGTH', {'n': 16}, id='near-vin-16-not-a-frame'),
    pytest.param('JTMBD33V00512345', 'FRAME', 'VIN_LENGTH', {'n': 16}, id='near-vin-16-forced-as-frame'),
    pytest.param('jtmbd33v00512345', 'frame', 'VIN_LENGTH', {'n': 16}, id='near-vin-16-lowercase-frame'),
    pytest.param('XTA2109904312345', None, 'VIN_LENGTH', {'n': 16}, id='near-vin-16-digits-tail'),
    pytest.param('JTMBD33V0051234567', 'FRAME', 'VIN_LENGTH', {'n': 18}, id='near-vin-18-forced-as-frame'),
    pytest.param('MD123456', None, 'FRAME_FORMAT', {}, id='part-number-not-a-frame'),
    pytest.param('S15012345', None, 'FRAME_FORMAT', {}, id='one-letter-model-needs-the-hyphen'),
    pytest.param('ZZT240-123', None, 'FRAME_FORMAT', {}, id='frame-serial-too-short'),
    pytest.param('CR-V', None, 'FRAME_FORMAT', {}, id='not-a-frame'),
])
def test_parse_rejects(raw, id_type, code, params):
    with pytest.raises(InvalidIdentifier) as info:
        parse(raw, id_type)
    assert info.value.code == code
    assert info.value.params == params


def test_valid_vin_is_never_rewritten():
    ident = parse(EU_VIN)
    assert ident.value == EU_VIN and ident.cache_key == f'VIN:{EU_VIN}' and not ident.lookalikes_converted


@pytest.mark.parametrize('raw', ['ZZT240-0012345', 'ZZT2400012345', 'zzt240\u20140012345', 'ZZT240 0012345',
                                 'ZZT240\u22120012345'])
def test_frame_forms_share_one_cache_key(raw):
    assert parse(raw).cache_key == 'FRAME:ZZT2400012345'


_ID_TYPES = st.sampled_from([None, 'VIN', 'FRAME', 'vin', 'frame', IdType.VIN, IdType.FRAME])
_ID_CHARS = st.sampled_from(list('ABCDEFGHJKLMNPRSTUVWXYZIOQ0123456789-\u2013 _.,аеокмнрстухАЕОКМНРСТУХЖ\u00a0\u200b'))


@settings(max_examples=500, deadline=None)
@given(raw=st.one_of(st.text(), st.text(_ID_CHARS, max_size=24)), id_type=_ID_TYPES)
def test_parse_raises_only_invalid_identifier(raw, id_type):
    try:
        parse(raw, id_type)
    except InvalidIdentifier as exc:
        assert exc.code in {'EMPTY', 'VIN_CHARS', 'VIN_LENGTH', 'VIN_FORBIDDEN_LETTERS', 'FRAME_FORMAT'}


@settings(max_examples=500, deadline=None)
@given(raw=st.text(_ID_CHARS, min_size=8, max_size=24), id_type=_ID_TYPES)
def test_parse_is_idempotent(raw, id_type):
    try:
        ident = parse(raw, id_type)
    except InvalidIdentifier:
        return
    again = parse(ident.value, ident.kind)
    assert (again.value, again.cache_key, again.hints) == (ident.value, ident.cache_key, ident.hints)
    assert ident.value == ident.value.upper() and ' ' not in ident.value
    if ident.kind is IdType.VIN:
        assert len(ident.value) == 17 and not set(ident.value) & set('IOQ')


_VIN_CHARS = st.sampled_from(list('ABCDEFGHJKLMNPRSTUVWXYZ0123456789'))


@settings(max_examples=500, deadline=None)
@given(vin=st.builds(lambda head, letter, at, tail: head[:at] + letter + head[at:] + tail,
                     st.text(_VIN_CHARS, min_size=12, max_size=12), st.sampled_from(list('ABCDEFGHJKLMNPRSTUVWXYZ')),
                     st.integers(0, 12), st.text(st.sampled_from(list('0123456789')), min_size=4, max_size=4)),
       drop=st.integers(0, 12),
       id_type=st.sampled_from([None, 'FRAME', 'VIN']))
def test_vin_missing_a_character_is_never_a_frame(vin, drop, id_type):
    """Dropping one character of a VIN (not one of the last four digits) gives VIN_LENGTH, and detect() asks."""
    near = vin[:drop] + vin[drop + 1:]
    assume(vin_shaped(near))  # dropping the only letter leaves a number, not a near-VIN
    if is_frame(near):  # a genuine frame shape (e.g. ABCD123EF1234567) stays a frame: the rule is the shape
        assert parse(near, id_type if id_type != 'VIN' else 'FRAME').kind is IdType.FRAME
        return
    with pytest.raises(InvalidIdentifier) as info:
        parse(near, id_type)
    assert (info.value.code, info.value.params) == ('VIN_LENGTH', {'n': 16})
    found = detect(f'кузов {near}')
    assert found.identifiers == () and found.reason == Reason.ALMOST_VIN


@settings(max_examples=500, deadline=None)
@given(raw=st.text(_ID_CHARS, min_size=8, max_size=24))
def test_parse_and_detect_share_the_frame_rule(raw):
    """parse() says FRAME exactly when is_frame() does; a frame detect() finds is one parse() accepts."""
    try:
        ident = parse(raw)
    except InvalidIdentifier:
        ident = None
    value = ident.value if ident else None
    if ident and ident.kind is IdType.FRAME:
        assert is_frame(value)
    for found in detect(f'кузов {raw}').identifiers:
        again = parse(found.value, found.kind)
        assert again.cache_key == found.cache_key
        assert found.kind is IdType.VIN or is_frame(found.value)
        assert found.kind is IdType.FRAME or VIN_ALPHABET.match(found.value)

