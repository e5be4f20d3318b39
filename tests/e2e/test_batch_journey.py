"""Issue 12 #4 in real Chromium against the sandbox: a manager pastes a batch, sees the per-line error, starts it,
watches the progress bar fill live (real lookups by the embedded worker), and downloads the XLSX; desktop and phone."""

from __future__ import annotations

import io

import openpyxl
from playwright.sync_api import Page, expect

from lookup.sandbox.scenarios import load_scenarios
from tests.e2e.test_journeys import _login


def _found_vins(n: int) -> list[tuple[str, str]]:
    found = [(s.id.upper(), s.expect['gearbox']['oem']) for s in load_scenarios()
             if s.expect.get('outcome') == 'FOUND' and s.id_type == 'VIN' and not s.slow
             and (s.expect.get('gearbox') or {}).get('oem')]
    return found[1:1 + n]  # not the first: the other journey invalidates its cache row


def test_manager_runs_a_batch_and_exports_it(page: Page, shot, app_stack) -> None:  # noqa: ANN001
    (vin1, oem1), (vin2, oem2) = _found_vins(2)
    _login(page)
    page.get_by_role('button', name='Пакеты').click()
    page.get_by_label('Название (необязательно)').fill('Пакет e2e')
    page.get_by_label('VIN или FRAME, по одному в строке').fill(f'{vin1}\nWVWZZZ1KZ8W12345\n{vin2.lower()}')
    page.get_by_role('button', name='Проверить').click()
    expect(page.get_by_text('Верных строк: 2, с ошибками: 1')).to_be_visible()
    expect(page.get_by_role('cell', name='В VIN 17 символов, а здесь 16')).to_be_visible()
    shot('batch-01-checked')
    page.get_by_role('button', name='Запустить').click()
    expect(page.get_by_text('Пакет e2e').first).to_be_visible()
    progress = page.locator('text=/Готово \\d+ · в очереди/')
    expect(progress).to_contain_text('Пакет завершён', timeout=120_000)   # pushed live, no reload
    expect(progress).to_contain_text('Готово 2 · в очереди 0 · ждут 0 · ошибки 0 · неверных 1')
    expect(page.get_by_role('row').filter(has_text=vin1)).to_contain_text(oem1)
    expect(page.get_by_role('row').filter(has_text=vin2)).to_contain_text(oem2)
    shot('batch-02-finished')
    # the worker recorded each site visit's signals for the site-change alarm
    import sqlalchemy as sa
    engine = sa.create_engine(f'sqlite:///{app_stack.env["DATA_DIR"]}/app.db')
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM site_signal WHERE site = 'podzamenu'")).scalar() >= 2
    engine.dispose()

    with page.expect_download() as dl:
        page.get_by_role('button', name='XLSX').click()
    download = dl.value
    assert download.suggested_filename.endswith('.xlsx')
    rows = list(openpyxl.load_workbook(io.BytesIO(open(download.path(), 'rb').read())).active  # noqa: SIM115
                .iter_rows(values_only=True))
    assert rows[0][:3] == ('Строка', 'Ввод', 'VIN/FRAME')
    assert {r[2]: r[12] for r in rows[1:] if r[2]} == {vin1: oem1, vin2: oem2}

    page.set_viewport_size({'width': 390, 'height': 844})
    page.reload()
    expect(page.get_by_text('Пакет завершён')).to_be_visible()
    shot('batch-03-phone')
    page.goto('/batches')
    expect(page.get_by_role('link', name='Пакет e2e')).to_be_visible()
    shot('batch-04-phone-list')


def test_an_admin_sees_the_site_alarm_banner_and_the_dashboard(page: Page, shot, app_stack) -> None:  # noqa: ANN001
    from datetime import UTC, datetime

    import sqlalchemy as sa
    engine = sa.create_engine(f'sqlite:///{app_stack.env["DATA_DIR"]}/app.db')  # the stack's own database
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=' ')
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO site_alarm (site, signal, open_key, started_at, share_hour, share_week, samples_hour, step, "
            "notify_attempts, updated_at) VALUES ('podzamenu', 'dead_end', 'podzamenu:dead_end', :now, 0.6, 0.05, 20, "
            "'wait:l1-children', 0, :now)"), {'now': now})
    try:
        _login(page, 'admin')
        banner = page.get_by_text('Похоже, сайт podzamenu изменился').first
        expect(banner).to_be_visible()
        expect(banner).to_contain_text('шаг «wait:l1-children»')
        page.get_by_role('link', name='Подробнее').click()
        expect(page.get_by_text('Сигналы изменения сайта')).to_be_visible()
        shot('alarm-01-dashboard')
        page.set_viewport_size({'width': 390, 'height': 844})
        page.reload()
        expect(page.get_by_text('Похоже, сайт podzamenu изменился').first).to_be_visible()
        shot('alarm-02-phone')
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text('DELETE FROM site_alarm'))
        engine.dispose()
