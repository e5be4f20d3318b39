"""Demo data: one tenant, an admin and a manager, ~20 conversations with realistic customer messages."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import select

from lookup import auth, users
from lookup.db import session_scope
from models import Conversation, Message, Role, User
from models.dbtypes import saved_id, utcnow

logger = logging.getLogger(__name__)

DEMO_TENANT = 'demo'
DEMO_USERS = [('admin', 'admin-demo-1', Role.ADMIN, 'Анна Админова'),
              ('manager', 'manager-demo-1', Role.MANAGER, 'Максим Менеджеров'),
              ('viewer', 'viewer-demo-1', Role.VIEWER, 'Вера Смотрящая')]
DEMO_API_TOKEN = 'pzl_demo_token_for_local_use_only'
UNKNOWN_VIN = 'XW8ZZZ61ZSYNTH001'

# (customer, channel, [messages]); {vin}/{frame} are filled with identifiers the sandbox knows.
TEMPLATES: list[tuple[str, str, list[str]]] = [
    ('Игорь', 'telegram', ['Здравствуйте! Нужна коробка на мою машину, VIN {vin}',
                           'Сколько будет стоить с доставкой в Казань?']),
    ('Светлана К.', 'whatsapp', ['Добрый день. Подберите АКПП пожалуйста. вин {vin}']),
    ('Андрей', 'avito', ['Коробка пинается при переключении, хочу контрактную. {vin}',
                         'Маркировка на коробке вроде {tag}']),
    ('ООО «Автолайн»', 'email', ['Просим подобрать МКПП для автомобиля клиента.\nVIN: {vin}\nСчёт на юр. лицо.']),
    ('Рустам', 'telegram', ['Номер кузова {frame}, праворукая, нужна коробка']),
    ('Ольга', 'whatsapp', ['Здравствуйте, есть ли в наличии вариатор? Машина 2012 года', 'VIN сейчас пришлю']),
    ('Дмитрий', 'telegram', ['вин {vin} нужна кпп срочно!!!']),
    ('Пётр Сергеевич', 'phone', ['Перезвоните мне пожалуйста +7 (912) 345-67-89, по поводу коробки']),
    ('Наталья', 'avito', ['Сколько стоит коробка на Солярис 2015? Бюджет 45 000 руб']),
    ('Виктор', 'telegram', ['Добрый вечер. VIN {vin}. Пробег 180 тыс, коробка гудит']),
    ('Кирилл', 'whatsapp', ['Подскажите по VIN {vin} какая стоит коробка? На шильдике {tag}']),
    ('Евгений', 'telegram', ['Здравствуйте, рама {frame}. Нужна АКПП в сборе']),
    ('Марина', 'email', ['Добрый день! Интересует КПП. VIN {vin}. Доставка в Екатеринбург, заказ до 12.12.2024']),
    ('Алексей', 'telegram', ['Привет. Вот вин: {vin}', 'Это для Октавии, если что']),
    ('Сергей', 'whatsapp', ['Вин {unknown}, подберите пожалуйста коробку']),
    ('Тимур', 'avito', ['Коробка есть на гольф 6? 1.6 бензин, механика']),
    ('Гульнара', 'telegram', ['Здравствуйте. VIN {vin}, нужна коробка и сцепление']),
    ('Станислав', 'whatsapp', ['Есть ли гарантия на контрактные коробки? Звоните 8-800-555-35-35']),
    ('Юлия', 'email', ['Добрый день, подберите, пожалуйста, коробку передач. VIN {vin}. Спасибо!']),
    ('Роман', 'telegram', ['Салют! Кузов {frame}', 'Коробка автомат']),
]


def _identifiers() -> tuple[list[tuple[str, str | None]], list[str]]:
    """VINs (with a plate tag when known) and frames the sandbox can answer."""
    from lookup.sandbox.scenarios import load_scenarios
    vins: list[tuple[str, str | None]] = []
    frames: list[str] = []
    for sc in load_scenarios():
        outcome = sc.expect.get('outcome')
        if outcome not in ('FOUND', 'MODEL_ONLY') or sc.slow:
            continue
        gearbox = sc.expect.get('gearbox') or {}
        if sc.id_type == 'FRAME':
            frames.append(sc.id)
        else:
            vins.append((sc.id.upper(), gearbox.get('factory_code') or gearbox.get('model')))
    return vins or [('WVWZZZ1KZ8W000001', None)], frames or ['ZZT240-0012345']


def seed() -> None:
    """Create the demo tenant, users, token and conversations once (idempotent)."""
    with session_scope() as s:
        if s.exec(select(User).where(User.username == DEMO_USERS[0][0])).first():
            return
        tenant = users.get_or_create_tenant(session=s, slug=DEMO_TENANT, name='Контрактные КПП (демо)')
        created = {name: users.create_user(session=s, tenant=tenant, username=name, password=pw, role=role,
                                           full_name=full) for name, pw, role, full in DEMO_USERS}
        auth.add_known_token(session=s, user=created['manager'], name='demo', token=DEMO_API_TOKEN)
        vins, frames = _identifiers()
        now = utcnow()
        vi = fi = 0
        for n, (customer, channel, texts) in enumerate(TEMPLATES):
            at = now - timedelta(minutes=37 * (len(TEMPLATES) - n))
            conv = Conversation(tenant_id=saved_id(tenant), channel=channel, external_chat_id=f'demo-{n + 1:03d}',
                                customer_name=customer, created_at=at, last_message_at=at,
                                unread_count=1 if n % 3 == 0 else 0)
            s.add(conv)
            s.flush()
            for k, template in enumerate(texts):
                vin, tag = vins[vi % len(vins)]
                text = template.format(vin=vin, tag=tag or 'нет', frame=frames[fi % len(frames)],
                                       unknown=UNKNOWN_VIN)
                s.add(Message(tenant_id=saved_id(tenant), conversation_id=saved_id(conv),
                              external_message_id=f'demo-{n}-{k}', author=customer, text=text,
                              created_at=at + timedelta(minutes=k)))
                conv.last_message_text = text[:300]
                conv.last_message_at = at + timedelta(minutes=k)
                vi += '{vin}' in template
                fi += '{frame}' in template
    logger.info('demo data seeded: logins %s', ', '.join(f'{u}/{p}' for u, p, _, _ in DEMO_USERS))
