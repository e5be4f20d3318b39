"""Which URLs the lookup browser routes to its host gate (the rest go straight through Playwright's driver)."""

from __future__ import annotations

import pytest

from lookup.engine.browser import intercepted
from lookup.engine.settings import EngineSettings

SETTINGS = EngineSettings(podzamenu_base_url='https://podzamenu.ru', prof_rf_base_url='https://китайавто.рус',
                          allowed_hosts='cdn.podzamenu.ru')


@pytest.mark.parametrize(('url', 'routed'), [
    ('https://podzamenu.ru/search-vehicle?vin=X', False),
    ('https://podzamenu.ru', False),
    ('https://PODZAMENU.RU:443/api', False),
    ('https://cdn.podzamenu.ru/app.js', False),
    ('https://xn--80aagvgd7a1ae.xn--p1acf/', False),  # the Cyrillic host as the browser sends it
    ('data:text/plain,1', False),
    ('https://podzamenu.ru/logo.PNG?v=2', True),  # an asset: blocked by the gate
    ('https://podzamenu.ru.evil.example/', True),
    ('https://podzamenu.ru@evil.example/', True),
    ('http://169.254.169.254/latest/meta-data', True),
    ('https://evil.example/?u=https://podzamenu.ru/', True),
])
def test_only_exact_site_urls_skip_the_gate(url: str, routed: bool) -> None:
    assert bool(intercepted(SETTINGS).search(url)) is routed


def test_assets_pass_unrouted_when_not_blocked() -> None:
    settings = SETTINGS.model_copy(update={'block_assets': False})
    assert intercepted(settings).search('https://podzamenu.ru/logo.png') is None
