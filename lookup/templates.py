"""Reply templates (issue 12 #1): kinds, Russian defaults, placeholders, filling them from a case. Pure functions.

Templates are `string.Template` texts: `$car` or `${car}`, `$$` for a dollar sign. Nothing else is evaluated (no
attribute access, no expressions, no loops), so a tenant admin's text cannot reach anything but the values below.
Unknown placeholders are refused when a template is saved; rendering uses `safe_substitute` anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Template
from typing import Any

from lookup.unitkeys import gearbox_key

KINDS = ('found', 'model_only', 'need_plate', 'not_found', 'site_unavailable')
MAX_TEMPLATE = 4000

PLACEHOLDERS: dict[str, str] = {
    'greeting': '«Здравствуйте, Иван!» (или «Здравствуйте!», когда имя клиента неизвестно)',
    'customer': 'имя клиента из диалога',
    'identifier': '«VIN WVWZZZ1KZ8W123456» или «номер кузова ZZT240-0012345»',
    'vin': 'сам VIN или номер кузова, без пояснения',
    'car': 'марка, модель и год: «VOLKSWAGEN GOLF 2010»',
    'make': 'марка', 'model': 'модель автомобиля', 'year': 'год',
    'gearbox': 'модель КПП (чистый код: KCK, F17, 722.964)',
    'factory_code': 'заводской код КПП',
    'gearbox_codes': 'модель КПП и, если отличается, заводской код: «F17 (заводской код MDG)»',
    'oem': 'OEM-номер коробки в сборе',
    'link': 'ссылка на страницу автомобиля в каталоге',
    'tag': 'маркировка с шильдика КПП, которую прислал клиент',
    'plate_hint': 'где искать шильдик (маркировку) на КПП этого семейства',
    'plate_request': 'просьба прислать фото шильдика с подсказкой, где он; пусто, если маркировка уже есть',
}

DEFAULTS: dict[str, str] = {
    'found': ('$greeting\n'
              'Проверили ваш автомобиль ($identifier): $car.\n'
              'Коробка передач: $gearbox_codes, номер агрегата (OEM): $oem.\n'
              'Страница в каталоге: $link\n'
              '$plate_request\n'
              'Подберём контрактную КПП по этому номеру и пришлём варианты.'),
    'model_only': ('$greeting\n'
                   'Проверили ваш автомобиль ($identifier): $car.\n'
                   'Модель коробки передач: $gearbox_codes. Номер агрегата (OEM) каталог для неё не даёт, '
                   'подбираем по модели КПП.\n'
                   'Страница в каталоге: $link\n'
                   '$plate_request'),
    'need_plate': ('$greeting\n'
                   'Автомобиль нашли ($identifier): $car, но точную модель коробки передач каталог не показывает.\n'
                   'Пришлите, пожалуйста, фото шильдика (таблички с маркировкой) КПП: $plate_hint.\n'
                   'По маркировке подберём коробку точно.'),
    'not_found': ('$greeting\n'
                  'К сожалению, каталог не знает $identifier. Проверьте, пожалуйста, номер (в VIN 17 знаков, '
                  'без букв I, O и Q) или пришлите фото СТС либо шильдика КПП: $plate_hint.'),
    'site_unavailable': ('$greeting\n'
                         'Каталог производителя сейчас не отвечает, поэтому сразу проверить $identifier не '
                         'получилось. Повторим проверку в ближайшее время и напишем вам.'),
}

_MODEL_OUTCOMES = {'FOUND', 'MODEL_ONLY', 'NOT_AVAILABLE', 'NOT_FOUND'}
_UNAVAILABLE_OUTCOMES = {'SITE_ERROR', 'TIMEOUT', 'BLOCKED', 'BROWSER_UNAVAILABLE'}


class TemplateInvalid(ValueError):
    """A template cannot be saved (unknown placeholder, bad `$` syntax, empty or too long): answered as 422."""

    def __init__(self, message: str, *, code: str = 'TEMPLATE_INVALID', **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params
        """Values for the translated message (`name` of an unknown placeholder)."""


def kind_for(outcome: str | None, result: dict[str, Any] | None) -> str:
    """The template a final case calls for: its outcome, and whether a usable gearbox code is known."""
    gearbox = (result or {}).get('gearbox') or {}
    if outcome == 'FOUND' and gearbox.get('oem'):
        return 'found'
    if outcome == 'VEHICLE_NOT_FOUND':
        return 'not_found'
    if outcome in _UNAVAILABLE_OUTCOMES or outcome is None:
        return 'site_unavailable'
    specific = gearbox_key(gearbox.get('model')) or gearbox_key(gearbox.get('factory_code'))
    if outcome in _MODEL_OUTCOMES and specific and not gearbox.get('needs_manual_kpp_code'):
        return 'model_only'
    return 'need_plate'


# --- where the plate is ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Family:
    makes: frozenset[str]
    code: re.Pattern[str] | None
    hint: str


_GENERIC_HINT = ('маркировка выбита на корпусе КПП или на металлической табличке (шильдике) на корпусе; '
                 'снимите её крупно, при хорошем свете')
_FAMILIES = (
    _Family(frozenset({'MERCEDES-BENZ', 'MERCEDES', 'SMART'}), re.compile(r'^7\d\d\.\d{3}'),
            'номер АКПП (722.xxx) — на табличке на левой стороне корпуса коробки, над поддоном'),
    _Family(frozenset({'VOLKSWAGEN', 'VW', 'AUDI', 'SKODA', 'ŠKODA', 'SEAT', 'CUPRA', 'PORSCHE'}), None,
            'трёхбуквенный код КПП выбит на корпусе коробки сверху, у стыка с двигателем; он же указан на наклейке '
            'с данными автомобиля в нише запасного колеса'),
    _Family(frozenset({'TOYOTA', 'LEXUS'}), None,
            'код КПП — в строке «TRANS/AXLE» на табличке в проёме водительской двери; шильдик с моделью — на '
            'корпусе коробки сверху'),
    _Family(frozenset({'NISSAN', 'INFINITI', 'DATSUN'}), None,
            'табличка с моделью и номером КПП — на корпусе коробки сверху, у картера сцепления или '
            'гидротрансформатора'),
    _Family(frozenset({'HYUNDAI', 'KIA', 'GENESIS'}), None,
            'код КПП — в строке «TRANS» на табличке в проёме водительской двери; серийный номер выбит на '
            'корпусе коробки'),
    _Family(frozenset({'FORD'}), None,
            'бирка или наклейка с кодом КПП — на корпусе коробки сверху, у стыка с двигателем'),
)


def plate_hint(make: str | None, gearbox_model: str | None) -> str:
    """Where to find the marking on this gearbox family (by make, or by a code shape such as Mercedes' 722.xxx)."""
    name = (make or '').strip().upper()
    code = (gearbox_model or '').strip()
    for family in _FAMILIES:
        if name in family.makes or (family.code is not None and family.code.match(code)):
            return family.hint
    return _GENERIC_HINT


# --- filling a template -----------------------------------------------------------------------------------------

MISSING = '—'


def values_for(*, id_type: str, value: str, tag: str | None, result: dict[str, Any] | None,
               customer: str = '') -> dict[str, str]:
    """Every placeholder's value for one case (a missing value is «—»; `plate_request` is empty when tagged)."""
    result = result or {}
    vehicle = result.get('vehicle') or {}
    gearbox = result.get('gearbox') or {}
    evidence = result.get('evidence') or {}
    model, factory = gearbox.get('model'), gearbox.get('factory_code')
    codes = model or factory or ''
    if model and factory and factory.upper() != model.upper():
        codes = f'{model} (заводской код {factory})'
    hint = plate_hint(vehicle.get('make'), model)
    name = (customer or '').strip()
    values = {
        'greeting': f'Здравствуйте, {name}!' if name else 'Здравствуйте!',
        'customer': name,
        'identifier': f'VIN {value}' if id_type == 'VIN' else f'номер кузова {value}',
        'vin': value,
        'car': ' '.join(str(v) for v in (vehicle.get('make'), vehicle.get('model'), vehicle.get('year')) if v),
        'make': vehicle.get('make') or '', 'model': vehicle.get('model') or '', 'year': vehicle.get('year') or '',
        'gearbox': model or '', 'factory_code': factory or '', 'gearbox_codes': codes,
        'oem': gearbox.get('oem') or '', 'link': evidence.get('final_url') or '', 'tag': tag or '',
        'plate_hint': hint,
        'plate_request': '' if tag else f'Чтобы не ошибиться, пришлите, пожалуйста, фото шильдика КПП: {hint}.',
    }
    keep_empty = {'customer', 'plate_request', 'tag'}
    return {k: (v if v or k in keep_empty else MISSING) for k, v in values.items()}


def validate(text: str) -> str:
    """The template as it will be stored (line ends normalised), or TemplateInvalid saying what is wrong."""
    text = (text or '').replace('\r\n', '\n').strip()
    if not text:
        raise TemplateInvalid('A template cannot be empty.', code='TEMPLATE_EMPTY')
    if len(text) > MAX_TEMPLATE:
        raise TemplateInvalid(f'A template has at most {MAX_TEMPLATE} characters.', code='TEMPLATE_TOO_LONG')
    tpl = Template(text)
    if not tpl.is_valid():
        raise TemplateInvalid('A “$” must start a placeholder such as $car or ${car}; write $$ for a dollar sign.',
                              code='TEMPLATE_SYNTAX')
    unknown = sorted(set(tpl.get_identifiers()) - set(PLACEHOLDERS))
    if unknown:
        raise TemplateInvalid(f'Unknown placeholder ${unknown[0]}; known: '
                              + ', '.join(f'${p}' for p in PLACEHOLDERS), code='TEMPLATE_PLACEHOLDER',
                              name=unknown[0])
    return text


def render(text: str, values: dict[str, str]) -> str:
    """Fill a template; a line that only held placeholders with empty values (`$plate_request` when tagged) goes."""
    out = []
    for line in text.replace('\r\n', '\n').split('\n'):
        filled = Template(line).safe_substitute(values).rstrip()
        if filled.strip() or not line.strip():
            out.append(filled)
    return re.sub(r'\n{3,}', '\n\n', '\n'.join(out)).strip()
