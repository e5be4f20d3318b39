"""The site-change alarm banner (issue 12 #5): on every page, for admins and platform operators."""

from __future__ import annotations

from nicegui import run, ui

from lookup import site_health
from lookup.auth import Actor
from ui.i18n import t


def alarm_text(a: site_health.AlarmOut) -> str:
    return t('alarm.banner', site=a.site, signal=t(f'alarm.{a.signal}'), pct=round(100 * a.share_hour),
             base=round(100 * a.share_week), step=a.step or '—')


def banner(actor: Actor) -> None:
    """An (initially empty) slot, filled off the event loop once the page is up; refreshed every minute."""
    if not (actor.is_admin or actor.is_operator):
        return
    slot = ui.column().classes('w-full gap-1').mark('site-alarm-slot')

    async def fill() -> None:
        try:
            alarms = await run.io_bound(site_health.banner_alarms)
        except Exception:  # noqa: BLE001  (the session ended, or the database blinked: the page's own calls say so)
            return
        if slot.is_deleted:  # the page was closed meanwhile
            return
        if not alarms and not slot.default_slot.children:
            return  # nothing shown, nothing to show: leave the page alone
        slot.clear()
        with slot:
            for a in alarms or []:
                with ui.row().classes('w-full items-center gap-2 px-3 py-2 rounded bg-orange-1 text-orange-10 '
                                      'no-wrap').mark('site-alarm-banner'):
                    ui.icon('warning', color='orange-9')
                    ui.label(alarm_text(a)).classes('text-sm flex-1 min-w-0')
                    ui.link(t('alarm.details'), '/dashboard#alarms').classes('text-sm whitespace-nowrap')

    # First fill once the browser is connected (after the page's own build: a timer's immediate first run
    # competed with the page's own calls while it was built), then every minute.
    ui.context.client.on_connect(fill)
    ui.timer(60, fill, immediate=False)
