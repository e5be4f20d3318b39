"""Every selector, text and word list the podzamenu scraper reads (site-anatomy §3–§6), in one place."""

from __future__ import annotations

SEARCH_PATH = '/search-vehicle'
SEARCH_PARAM = 'vin'
PART_LINK_FRAGMENT = '/search?query='

# --- areas -------------------------------------------------------------------------------------------
# Site chrome: never read or click inside it (podzamenu sells gearboxes, so its menus mention КПП).
CHROME = 'header, footer, [role="banner"], [role="contentinfo"]'
CHROME_NAV = 'nav, [role="navigation"]'
"""Navigation landmarks are chrome too, unless they hold catalogue controls (a schemes side menu may be a <nav>)."""
ACCORDION_FRAGMENT = 'Accordion'
ACCORDION = '[class*="MuiAccordion-root"]'
ACCORDION_SUMMARY = '[class*="MuiAccordionSummary-root"]'
TAB = '[role="tab"]'
CONTENT_LINK = '[class*="selectorPaperContentLink"]'
ANY_CONTENT_LINK = '[class*="ContentLink"]'
CARD = '[class*="Card-root"]'
CARD_ACTION = '[class*="MuiCardActionArea-root"]'
DETAIL_CELL = '[class*="searchDetailCell"]'
VEHICLE_CELL = '[class*="vehicleCell"]'
PART_LINK = f'a[href*="{PART_LINK_FRAGMENT}"]'
LOADING = ('[role="progressbar"], [class*="CircularProgress"], [class*="LinearProgress"], [class*="Skeleton"], '
           '[class*="loader"], [class*="Loader"], [class*="spinner"], [class*="Spinner"], [aria-busy="true"]')
LINK = 'a[href]'
BUTTON = 'button, [role="button"]'
CLICKABLE = f'a, {BUTTON}, [role="link"], {ANY_CONTENT_LINK}'
TAB_LIKE = f'{TAB}, {BUTTON}, a'
"""The СХЕМЫ УЗЛОВ control may be a tab, a button or a link (site-anatomy §4.2)."""
CATALOGUE_AREA = f'{ACCORDION}, {TAB}'
"""A vehicle's parts catalogue is shown: the site identified the vehicle even when it shows no data about it."""
CATALOGUE_MARKS = f'{ACCORDION}, {TAB}, {ANY_CONTENT_LINK}'
BACK_WORDS = ('назад', 'back', 'вернуться')
GENERIC_LINK_TEXTS = frozenset({'подробнее', 'купить', 'в корзину', 'смотреть', 'посмотреть', 'цена', 'цены',
                                'предложения', 'details', 'more', 'buy', 'view'})
"""Link texts that name an action, not the part (§8: the name is what is paired with the number)."""
MENU_ITEM = ('a, button, [role="tab"], [role="button"], [role="link"], [class*="selectorLink"], [class*="menuItem"], '
             '[class*="categoryLink"], [class*="navLink"], [class*="ContentLink"]')

VEHICLE_LABELS = ('кпп', 'модель', 'марка', 'двигатель', 'кузов', 'дата выпуска', 'агрегат', 'transmission',
                  'коробк', 'бренд', 'привод')
"""Labels whose presence in a table or a label/value list means the vehicle block has rendered."""

# --- vehicle-page texts (§3) -----------------------------------------------------------------------------
NOT_FOUND_PHRASES = ('ничего не найдено', 'данные не найдены', 'автомобиль не найден', 'не найдено', 'не найден',
                     'vehicle not found', 'no results')
ERROR_PHRASES = ('что-то пошло не так', 'произошла ошибка', 'ошибка сервера', 'internal server error',
                 'something went wrong', 'service unavailable', 'bad gateway', 'application error')
BLOCK_PHRASES = ('captcha', 'капча', 'я не робот', 'подтвердите, что вы не робот', 'access denied', 'доступ запрещ',
                 'too many requests', 'слишком много запросов', 'checking your browser', 'проверка браузера',
                 'are you a robot', 'attention required')
BLOCK_SELECTORS = ('iframe[src*="captcha"], iframe[src*="challenge"], [class*="captcha"], [id*="captcha"], '
                   '.g-recaptcha, .h-captcha, #challenge-form, [class*="smart-captcha"]')
HEADING_STOPWORDS = ('найден', 'поиск', 'фильтр', 'схемы', 'результат', 'каталог', 'запчаст', 'корзин', 'вход',
                     'регистр', 'детал', 'двигател', 'трансмисс', 'тормоз', 'кузов', 'систем', 'заказ', 'город',
                     'помощ', 'оригинал', 'спецификац')
MORE_SUFFIX = 'подробнее'
GEARBOX_LABELS = ('кп', 'коробка', 'коробка передач', 'тип коробки передач', 'тип кпп', 'тип кп', 'gearbox',
                  'transmission type', 'gearbox type')
"""Labels (exact, lowercased) of a gearbox value outside the КПП column: read as kppHint (§3.3, §3.4)."""
GEARBOX_LABEL_WORDS = ('коробка передач', 'коробки передач')
MARKING_LABELS = ('маркировка', 'маркировки', 'marking', 'заводской код', 'factory code', 'код агрегата')
LEGACY_LABELS = {'марка': 'make', 'make': 'make', 'модель': 'model', 'model': 'model', 'год': 'year',
                 'year': 'year', 'двигатель': 'engine', 'engine': 'engine', 'привод': 'drive',
                 'тип привода': 'drive', 'drive': 'drive', 'drivetrain': 'drive'}

# --- navigation (§4) -----------------------------------------------------------------------------------
L1_INCLUDE = ('трансмисси',)
L1_EXCLUDE = ('коробк',)
# In preference order: the bare stem «коробк» last (Раздаточная коробка is a transfer case).
L2_WORDS = ('коробка передач', 'акпп', 'мкпп', 'вариатор', 'кпп', 'transmission', 'gearbox', 'коробк')
L3_WORDS = ('коробка передач в сборе', 'акпп в сборе', 'мкпп в сборе', 'вариатор в сборе', 'коробка передач', 'акпп',
            'мкпп', 'вариатор', 'ведущий мост', 'transaxle', 'transmission')
SHORTCUT_TEXTS = ('коробка передач', 'коробка передач в сборе')
SCHEMES_TAB_WORDS = ('схем', 'узлов')
SECTION_WORDS = ('коробка передач', 'трансмиссия', 'ходовая часть и трансмиссия', 'трансмиссия/шасси',
                 'автоматическая коробка передач', 'механическая коробка передач', 'акпп', 'мкпп', 'вариатор',
                 'transmission', 'transaxle', 'power train', 'powertrain', 'drivetrain', 'drive train', 'gearbox',
                 'automatic transmission', 'manual transmission', 'cvt', 'boîte', 'getriebe', 'schaltgetriebe',
                 'automatikgetriebe')
CARD_WORDS = ('коробка передач', 'акпп', 'мкпп', 'вариатор', 'transaxle', 'transmission', 'getriebe',
              't/m & t/c attachment', 'auto trans assy', 'a/t assy', 'm/t assy', 'cvt assy',
              'сборка коробки передач', 'part 1 d', 'part 2 d', 'коробка передач part', 'ведущий мост трансмиссии',
              'ведущий мост')
CARD_ASSEMBLY_WORDS = ('сборка', 'assembly', 'assy', 'в сборе', 'part 1', 'm/t', 'a/t', 'cvt')
VIEW_SCHEME_TEXT = 'посмотреть схему'

# --- parts (§5, §6) ------------------------------------------------------------------------------------
OEM_HEADERS_EXACT = ('oem', 'оем', 'артикул', 'каталожный номер', 'каталожный №', 'part number', 'p/n', 'oemcode',
                     'номер детали')
OEM_HEADERS_LOOSE = ('номер', 'код', '№')
OEM_HEADER_VETO = ('заказ', 'п/п', 'строк', 'серийн', 'телефон')
NAME_HEADERS = ('наименование', 'название', 'name', 'описание', 'description', 'деталь', 'запчасть')
EXCLUDE_WORDS = ('масло', 'шайб', 'фиксатор', 'шумоизоляц', 'болт', 'гайк', 'уплотн', 'прокладк', 'сальник', 'фильтр',
                 'датчик', 'крепеж', 'модуль', 'блок управления', 'шланг', 'кронштейн', 'крышка', 'поддон', 'щуп',
                 'трубка', 'клапан', 'соленоид', 'sensor', 'module', 'control unit', 'bracket', 'gasket', 'seal',
                 'filter')
INCLUDE_WORDS = ('кпп', 'акпп', 'коробк', 'коробка передач', 'мкп', 'акп', 'вариатор', 'cvt', 'трансмиссия',
                 'transmission', 'gearbox', 'gear box', 'at transmission', 'mt transmission',
                 'автоматическая коробка', 'механическая коробка', 'transaxle')
PRIORITY_WORDS = ('в сборе', 'трансмиссия', 'коробка передач', 'transaxle package', 'transmission assy',
                  'transaxle assy', 'сборе', 'assembly', 'кпп', 'акпп', 'мкпп', 'вариатор', 'cvt',
                  'ведущий мост в блоке', 'автоматическая коробка', 'механическая коробка', 'блок с автоматической')
MAX_CANDIDATES = 10

# --- model-only shortcuts (§3.7) -----------------------------------------------------------------------
VW_WMIS = frozenset({'WVW', 'WV1', 'WV2', 'WV3', 'WV6', 'WAU', 'WA1', 'TMB', 'XW8', 'VSS', 'VS6', 'VS7', 'WP0',
                     'WP1', '9BW', '8AW', '1VW'})
FORD_WMIS = frozenset({'1FT', '1FA', '1FB', '1FC', '1FD', '1FM', '2FT', '2FA', '2FB', '3FA', '3FB', '3FE', 'WF0',
                       'SAJ', 'SAL', 'Z6F', 'Z6R', 'X9F', 'MAJ'})
