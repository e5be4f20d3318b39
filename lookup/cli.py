"""Admin commands: `python main.py create-user …`, `create-token …`, `migrate`."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlmodel import select

from lookup import auth, db, users
from lookup.db import session_scope
from models import Role, User


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog='python main.py', description='Podzamenu Lookup admin commands')
    sub = parser.add_subparsers(dest='cmd', required=True)
    cu = sub.add_parser('create-user', help='create a user (and the tenant if needed)')
    cu.add_argument('username')
    cu.add_argument('--tenant', required=True, help='tenant slug, created if missing')
    cu.add_argument('--role', choices=[r.value for r in Role], default='manager')
    cu.add_argument('--password', help='omit to be asked (not echoed)')
    ct = sub.add_parser('create-token', help='create an API token for a user (printed once)')
    ct.add_argument('username')
    ct.add_argument('--name', default='cli')
    sub.add_parser('migrate', help='apply database migrations')
    args = parser.parse_args(argv)

    db.migrate()
    if args.cmd == 'migrate':
        print('database is at head')
        return 0
    if args.cmd == 'create-user':
        password = args.password or getpass.getpass('Password: ')
        with session_scope() as s:
            tenant = users.get_or_create_tenant(session=s, slug=args.tenant)
            try:
                user = users.create_user(session=s, tenant=tenant, username=args.username, password=password,
                                         role=args.role)
            except ValueError as exc:
                print(f'error: {exc}', file=sys.stderr)
                return 2
            print(f'created {user.role} {user.username} in tenant {tenant.slug}')
        return 0
    with session_scope() as s:
        user = s.exec(select(User).where(User.username == args.username)).first()
        if user is None:
            print(f'error: no user {args.username!r}', file=sys.stderr)
            return 2
        _, token = auth.create_token(session=s, user=user, name=args.name)
    print(token)
    return 0
