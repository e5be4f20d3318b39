"""detect(): which VIN / frame a customer's message carries, and when a lookup may start on its own."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lookup.detect import Detection, Reason, detect
from lookup.engine.identifiers import IdType, parse
from lookup.errors import InvalidIdentifier

RU = 'VIN:XTA21099043123456'
EU = 'VIN:WVWZZZ1KZ8W123456'
NZE = 'FRAME:NZE1213012345'
ZZT = 'FRAME:ZZT2400012345'
P = pytest.param

CASES = [
    # --- one VIN: starts a lookup on its own
    P('Здравствуйте! Нужна коробка, VIN XTA21099043123456', (RU,), None, id='vin-after-label'),
    P('вин: ХТА21099043123456', (RU,), None, id='vin-cyrillic-lookalikes'),
    P('Добрый день, вин хта21099043123456 спасибо', (RU,), None, id='vin-cyrillic-lowercase'),
    P('WVW ZZZ 1K Z8W 123456 — гольф 5, 1.6, нужна АКПП', (EU,), None, id='vin-spaced-groups'),
    P('XTA-21099-0431-23456', (RU,), None, id='vin-hyphens'),
    P('Вин XTA–21099–0431–23456 (десятка)', (RU,), None, id='vin-en-dashes'),
    P('XTA—21099—0431—23456', (RU,), None, id='vin-em-dashes'),
    P('XTA - 21099 - 0431 - 23456 спасибо', (RU,), None, id='vin-spaced-dashes'),
    P('wvwzzz1kz8w123456', (EU,), None, id='vin-lowercase'),
    P('VIN:WVWZZZ1KZ8W123456.', (EU,), None, id='vin-glued-to-punctuation'),
    P('Вин 1HGCM82633A004352 хонда аккорд 2003', ('VIN:1HGCM82633A004352',), None, id='vin-north-american'),
    P('VIN Z94CB41AAGR323020 солярис, нужна механика', ('VIN:Z94CB41AAGR323020',), None, id='vin-solaris'),
    P('Здравствуйте\nVIN\nXTA21099043123456\nСпасибо', (RU,), None, id='vin-on-its-own-line'),
    P('ВИН X9633021012345678 газель', ('VIN:X9633021012345678',), None, id='vin-one-letter-only'),
    P('KMHDN41BP6U123456, мой тел +7 999 123-45-67', ('VIN:KMHDN41BP6U123456',), None, id='vin-and-phone'),
    P('vin WVWZZZ1KZ8W123456 цена 45000₽?', (EU,), None, id='vin-and-price'),
    P('WVWZZZ1КZ8W123456', (EU,), None, id='vin-one-cyrillic-letter'),
    P('WVW\u00a0ZZZ\u00a01K\u00a0Z8W\u00a0123456', (EU,), None, id='vin-nbsp-groups'),
    P('Вин -  XTA21099043123456 -  2008 г.в.', (RU,), None, id='vin-between-dashes-and-year'),
    P('VIN XTA 21099 0431 23456 пробег 150 000 км', (RU,), None, id='vin-spaced-then-mileage'),
    P('вин \u200eXTA21099\u200d043123456', (RU,), None, id='vin-invisible-marks'),
    P('JTD BR32E 53 0012345 королла', ('VIN:JTDBR32E530012345',), None, id='vin-spaced-uneven-groups'),
    P('мой вин wvw zzz 1k z8w 123456', (EU,), None, id='vin-spaced-lowercase'),
    P('Добрый вечер!\nТелефон 8 999 123 45 67\nвин XTA21099043123456\nбюджет 40 000 р', (RU,), None,
      id='vin-in-a-long-message'),
    P('РАМА XTA21099043123456', (RU,), None, id='vin-after-caps-label'),
    # --- one frame
    P('Кузов ZZT240-0012345, нужна акпп', (ZZT,), None, id='frame-dash'),
    P('рама ZZT2400012345', (ZZT,), None, id='frame-no-dash'),
    P('Номер кузова: NZE121 3012345', (NZE,), None, id='frame-space-after-keyword'),
    P('NZE121 3012345', (NZE,), None, id='frame-space-7-digit-serial'),
    P('кузов NZE121 301234', ('FRAME:NZE121301234',), None, id='frame-space-6-digit-after-keyword'),
    P('frame GX110-6012345', ('FRAME:GX1106012345',), None, id='frame-english-keyword'),
    P('Кузов № KZN185-9012345 сурф', ('FRAME:KZN1859012345',), None, id='frame-number-sign'),
    P('jzx100-0123456 марк 2', ('FRAME:JZX1000123456',), None, id='frame-lowercase'),
    P('Frame: AE111–0123456', ('FRAME:AE1110123456',), None, id='frame-en-dash'),
    P('рама: S15-012345 сильвия', ('FRAME:S15012345',), None, id='frame-one-letter-model'),
    P('L350S-0012345 танто', ('FRAME:L350S0012345',), None, id='frame-model-ends-with-letter'),
    P('Кузов ЕЕ111-0123456', ('FRAME:EE1110123456',), None, id='frame-cyrillic-lookalikes'),
    # --- nothing to look up
    P('Мой номер +7 (999) 123-45-67, перезвоните', (), None, id='phone-plus7'),
    P('89991234567', (), None, id='phone-8'),
    P('Звоните 8-800-555-35-35', (), None, id='phone-8800'),
    P('Приеду 12.03.2024 после обеда', (), None, id='date-dots'),
    P('Дата отправки: 2024-03-12', (), None, id='date-iso'),
    P('Сколько стоит? 150 000 руб нормально', (), None, id='price-spaced'),
    P('Готов за 45000₽', (), None, id='price-rouble-sign'),
    P('Артикул 09G323571T есть?', (), None, id='oem-vag'),
    P('Есть АКПП 3050052260?', (), None, id='oem-digits'),
    P('Номер A 204 270 84 04 подойдет?', (), None, id='oem-mercedes-spaced'),
    P('FWLB-03-000 в наличии?', (), None, id='oem-mazda'),
    P('Нужен 31020-3VX2D вариатор', (), None, id='oem-nissan'),
    P('09G323571T 3050052260 A 204 270 84 04 FWLB-03-000 31020-3VX2D', (), None, id='oem-list-not-glued'),
    P('Mitsubishi MD123456 насос', (), None, id='oem-mitsubishi'),
    P('Заказ № 12345678 от 12.03.2024', (), None, id='order-number'),
    P('Заказ №ZK12345678', (), None, id='order-number-with-letters'),
    P('Пробег 123 456 км', (), None, id='mileage'),
    P('Двигатель 1ZZ-FE, коробка механика', (), None, id='engine-toyota'),
    P('Мотор CAXA 1.4 TSI, коробка KCK', (), None, id='engine-vag-and-gearbox'),
    P('вариатор JF011E 45000 руб', (), None, id='gearbox-marking-and-price'),
    P('двигатель QR25-123456', (), None, id='engine-number'),
    P('Машина 2008 года', (), None, id='year'),
    P('Привет, есть коробка на камри?', (), None, id='greeting'),
    P('Toyota Corolla 2008, 1.6', (), None, id='car-model-and-year'),
    P('TOYOTA COROLLA 2008 1ZZ', (), None, id='car-model-caps'),
    P('BMW X5 E53 2005 150000', (), None, id='bmw-model-year-mileage'),
    P('Камри GX110 150000 км', (), None, id='model-code-then-mileage'),
    P('RAV4 150000 пробег', (), None, id='car-name-then-mileage'),
    P('Honda CR-V 2.0 2010', (), None, id='cr-v-is-no-frame'),
    P('', (), None, id='empty'),
    P('   \n\t ', (), None, id='blank'),
    P('👍', (), None, id='emoji'),
    # --- clarification: nothing starts on its own
    P('VIN WVWZZZ1KZ8W12345', (), Reason.ALMOST_VIN, id='almost-vin-16'),
    P('JTMBD33V00512345', (), Reason.ALMOST_VIN, id='almost-vin-16-frame-lookalike'),
    P('кузов JTMBD33V00512345', (), Reason.ALMOST_VIN, id='almost-vin-16-after-frame-keyword'),
    P('кузов ZZX100987654', ('FRAME:ZZX100987654',), None, id='frame-glued-9-digit-serial'),
    P('JZX100-0054321 марк 2', ('FRAME:JZX1000054321',), None, id='frame-jzx-hyphen'),
    P('вин XTA210990431234567', (), Reason.ALMOST_VIN, id='almost-vin-18'),
    P('WVW ZZZ 1K Z8W 12345 гольф', (), Reason.ALMOST_VIN, id='almost-vin-16-spaced'),
    P('вин WVWZZZ1KZ8WO23456', (), Reason.FORBIDDEN_LETTERS, id='forbidden-letter-o'),
    P('VIN XTA2I099043123456', (), Reason.FORBIDDEN_LETTERS, id='forbidden-letter-i'),
    P('вин ХТА21О99043123456', (), Reason.FORBIDDEN_LETTERS, id='forbidden-cyrillic-o-not-rewritten'),
    P('два авто: XTA21099043123456 и WVWZZZ1KZ8W123456', (RU, EU), Reason.SEVERAL_IDENTIFIERS, id='two-vins'),
    P('VIN XTA21099043123456, кузов ZZT240-0012345', (RU, ZZT), Reason.SEVERAL_IDENTIFIERS, id='vin-and-frame'),
    P('WVW ZZZ 1K Z8W 123456 и XTA-21099-0431-23456', (EU, RU), Reason.SEVERAL_IDENTIFIERS, id='two-vins-styles'),
    P('VIN XTA21099043123456, а у второй WVWZZZ1KZ8W12345', (RU,), Reason.ALMOST_VIN, id='vin-and-almost-vin'),
    # --- the same identifier twice counts once
    P('XTA21099043123456 повторяю XTA21099043123456', (RU,), None, id='same-vin-twice'),
    P('ХТА21099043123456 (это XTA21099043123456)', (RU,), None, id='same-vin-cyrillic-and-latin'),
    P('ZZT240-0012345 или ZZT2400012345', (ZZT,), None, id='same-frame-with-and-without-dash'),
]


@pytest.mark.parametrize(('text', 'keys', 'reason'), CASES)
def test_detect(text, keys, reason):
    found = detect(text)
    assert tuple(i.cache_key for i in found.identifiers) == keys
    assert found.reason == reason
    assert found.needs_clarification is (reason is not None)
    expected_single = keys[0] if len(keys) == 1 and reason is None else None
    assert (found.single.cache_key if found.single else None) == expected_single


def test_detection_keeps_what_the_customer_wrote():
    found = detect('вин: ХТА 21099 0431 23456!')
    ident = found.single
    assert ident is not None and ident.kind is IdType.VIN
    assert (ident.value, ident.raw, ident.lookalikes_converted) == ('XTA21099043123456', 'ХТА 21099 0431 23456', True)


def test_frame_keeps_its_dash_in_value():
    assert detect('кузов ZZT240–0012345').single.value == 'ZZT240-0012345'


def test_detection_is_frozen():
    found = detect('XTA21099043123456')
    with pytest.raises(AttributeError):
        found.reason = 'X'  # type: ignore[misc]
    assert isinstance(found, Detection)


# --- properties ------------------------------------------------------------------------------------------------

_VIN_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ'
_LATIN_TO_CYRILLIC = str.maketrans('ABEKMHOPCTYX', 'АВЕКМНОРСТУХ')
_WORDS = ['здравствуйте', 'добрый день', 'нужна', 'коробка', 'АКПП', 'вариатор', 'вин', 'VIN', 'вин-код', 'рама',
          'спасибо', 'срочно', 'цена', 'почём', '150 000 руб', '45000₽', '+7 (999) 123-45-67', '89991234567',
          '12.03.2024', '2008 г.в.', 'пробег', '123 456 км', 'двигатель 1ZZ-FE', 'KCK', 'Toyota', 'Camry', 'а',
          'вот', 'как', 'и', 'в', 'с', 'Тойота', 'ок', 'артикул 09G323571T', 'A 204 270 84 04', 'ещё', 'Жду']
_SEPARATORS = [' ', ', ', '\n', ': ', ' — ', '! ', '? ', '. ']

vins = st.tuples(
    st.text(_VIN_LETTERS + '0123456789', min_size=13, max_size=13),
    st.text('0123456789', min_size=4, max_size=4),
).map(''.join).filter(lambda v: any(c.isalpha() for c in v))


def _render(vin: str, style: str) -> str:
    if style == 'lower':
        return vin.lower()
    if style == 'cyrillic':
        return vin.translate(_LATIN_TO_CYRILLIC)
    if style == 'dashes':
        return f'{vin[:3]}-{vin[3:8]}-{vin[8:12]}-{vin[12:]}'
    return vin


@st.composite
def message_with_vin(draw: st.DrawFn) -> tuple[str, str]:
    vin = draw(vins)
    before = draw(st.lists(st.sampled_from(_WORDS), max_size=6))
    after = draw(st.lists(st.sampled_from(_WORDS), max_size=6))
    seps = st.sampled_from(_SEPARATORS)
    parts = [*before, _render(vin, draw(st.sampled_from(['plain', 'lower', 'cyrillic', 'dashes']))), *after]
    text = parts[0]
    for part in parts[1:]:
        text += draw(seps) + part
    return vin, text


@settings(max_examples=300, deadline=None)
@given(message_with_vin())
def test_a_vin_in_russian_text_is_found_alone(case):
    vin, text = case
    found = detect(text)
    assert found.single is not None, (text, found)
    assert found.single.cache_key == f'VIN:{vin}'


_MESSAGE_CHARS = st.sampled_from(list(
    'ABCDEFGHJKLMNPRSTUVWXYZIOQ0123456789' '0123456789' 'zztnze' 'АВЕКМНОРСТУХавекмнорстухЖжбд'
    '    -–—_.,:;№#+()\n\u00a0\u200b₽'))


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.text(_MESSAGE_CHARS, max_size=80)))
def test_detect_never_raises_and_is_consistent(text):
    found = detect(text)
    keys = [i.cache_key for i in found.identifiers]
    assert len(keys) == len(set(keys))
    assert found.needs_clarification is (found.reason is not None)
    if len(keys) > 1:
        assert found.reason == Reason.SEVERAL_IDENTIFIERS
    if found.single is not None:
        assert found.identifiers == (found.single,) and not found.needs_clarification
    for ident in found.identifiers:
        assert parse(ident.raw, ident.kind) == ident  # what detect() reports, parse() accepts as is
        assert parse(ident.value).cache_key == ident.cache_key  # and the kind is guessed back


@settings(max_examples=200, deadline=None)
@given(message_with_vin())
def test_detected_raw_round_trips_through_parse(case):
    _, text = case
    for ident in detect(text).identifiers:
        try:
            again = parse(ident.raw)
        except InvalidIdentifier:  # pragma: no cover - would be a bug
            pytest.fail(f'{ident.raw!r} from {text!r} does not parse')
        assert again.cache_key == ident.cache_key


@settings(deadline=None)
@given(st.text(max_size=200))
def test_detect_accepts_none_like_input(text):
    assume(text is not None)
    assert detect(None).identifiers == ()  # type: ignore[arg-type]
    assert isinstance(detect(text), Detection)
