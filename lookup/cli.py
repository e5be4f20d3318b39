"""Admin commands: `python main.py create-user …`, `create-token …`, `migrate`."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlmodel import select

from lookup import auth, db, users
from lookup.db import session_scope
from models import Role, Tenant


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip('\r\n')
    if args.password:
        return args.password
    first = getpass.getpass('Password: ')
    if sys.stdin.isatty() and getpass.getpass('Repeat: ') != first:
        raise ValueError('The passwords differ.')
    return first


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog='python main.py', description='Podzamenu Lookup admin commands')
    sub = parser.add_subparsers(dest='cmd', required=True)
    cu = sub.add_parser('create-user', help='create a user (and the tenant if needed); there is no default password')
    cu.add_argument('username')
    cu.add_argument('--tenant', required=True, help='tenant slug, created if missing')
    cu.add_argument('--role', choices=[r.value for r in Role], default='manager')
    cu.add_argument('--name', default='', help='full name shown in the UI')
    cu.add_argument('--operator', action='store_true',
                    help='platform operator: may empty the whole shared cache (no tenant admin can grant this)')
    pw = cu.add_mutually_exclusive_group()
    pw.add_argument('--password', help='visible in the process list and shell history; prefer the prompt')
    pw.add_argument('--password-stdin', action='store_true', help='read the password from the first line of stdin')
    ct = sub.add_parser('create-token', help='create an API token for a user (printed once; only its hash is kept)')
    ct.add_argument('username')
    ct.add_argument('--name', default='cli')
    ct.add_argument('--tenant', default=None, help='tenant slug (needed when the username exists in several)')
    sub.add_parser('migrate', help='apply database migrations')
    args = parser.parse_args(argv)

    db.migrate()
    if args.cmd == 'migrate':
        print('database is at head')
        return 0
    if args.cmd == 'create-user':
        try:
            password = _password(args)
            with session_scope() as s:
                tenant = users.get_or_create_tenant(session=s, slug=args.tenant)
                user = users.create_user(session=s, tenant=tenant, username=args.username, password=password,
                                         role=args.role, full_name=args.name)
                user.is_operator = bool(args.operator)
                done = f'created {user.role} {user.username} in tenant {tenant.slug}'
                done += ' (platform operator)' if args.operator else ''
        except ValueError as exc:
            print(f'error: {exc}', file=sys.stderr)
            return 2
        print(done)
        return 0
    with session_scope() as s:
        tenant_id = None
        if args.tenant:
            named = s.exec(select(Tenant).where(Tenant.slug == args.tenant)).first()
            tenant_id = named.id if named else -1
        holder = users.find_user(session=s, username=args.username, tenant_id=tenant_id)
        if holder is None or not holder.is_active:
            print(f'error: no active user {args.username!r}', file=sys.stderr)
            return 2
        _, token = auth.create_token(session=s, user=holder, name=args.name[:100])
    print(token)
    return 0
