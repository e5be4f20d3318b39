"""Bulk rows for benchmarks: N conversations (with a message each) and N cache rows, straight into the DB."""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from models.dbtypes import utcnow

MAKES = ['TOYOTA', 'NISSAN', 'VOLKSWAGEN', 'KIA', 'HYUNDAI', 'FORD', 'MAZDA', 'BMW', 'SKODA', 'LAND ROVER']
NAMES = ['Игорь', 'Светлана', 'Андрей', 'Ольга', 'Дмитрий', 'Марина', 'Рустам', 'Гульнара', 'Пётр', 'Юлия']
ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'


def _vin(rng: random.Random) -> str:
    return ''.join(rng.choice(ALPHABET) for _ in range(17))


def seed(url: str, n: int, *, tenant_id: int = 1, batch: int = 5000) -> None:
    rng = random.Random(42)
    engine = sa.create_engine(url)
    now = utcnow()
    meta = sa.MetaData()
    meta.reflect(engine, only=['conversation', 'message', 'lookup_cache'])
    conv, msg, cache = (meta.tables[t] for t in ('conversation', 'message', 'lookup_cache'))
    with engine.begin() as c:
        start = c.execute(sa.select(sa.func.coalesce(sa.func.max(conv.c.id), 0))).scalar() + 1
    for lo in range(0, n, batch):
        ids = range(start + lo, start + min(n, lo + batch))
        conv_rows, msg_rows, cache_rows = [], [], []
        for i in ids:
            vin = _vin(rng)
            at = now - timedelta(minutes=i)
            text = f'Здравствуйте, нужна коробка. VIN {vin}'
            conv_rows.append(dict(id=i, tenant_id=tenant_id, channel='telegram', external_chat_id=f'bench-{i}',
                                  customer_name=f'{rng.choice(NAMES)} {i}', needs_clarification=i % 17 == 0,
                                  unread_count=i % 5 == 0, last_message_text=text, last_lookup_status=None,
                                  created_at=at, last_message_at=at))
            msg_rows.append(dict(tenant_id=tenant_id, conversation_id=i, external_message_id=f'bench-{i}',
                                 direction='in', author='bench', text=text, created_at=at))
            make = rng.choice(MAKES)
            oem = ''.join(rng.choice('0123456789') for _ in range(10))
            result = {'query': vin, 'id_type': 'VIN', 'outcome': 'FOUND', 'vehicle': {'make': make, 'model': 'X'},
                      'gearbox': {'model': 'AT', 'oem': oem, 'oem_candidates': [], 'oem_status': 'FOUND'},
                      'evidence': {'source': 'podzamenu'}}
            cache_rows.append(dict(cache_key=f'VIN:{vin}', id_type='VIN', value=vin, outcome='FOUND',
                                   result=result,
                                   source='podzamenu', make=make, gearbox_model='AT', oem=oem,
                                   fetched_at=at, expires_at=at + timedelta(days=30)))
        with engine.begin() as c:
            c.execute(conv.insert(), conv_rows)
            c.execute(msg.insert(), msg_rows)
            c.execute(cache.insert(), cache_rows)
    engine.dispose()
