"""Agency API clients from the command line (ADR 0036), as the system: the key is printed once.

    manage.py api_client create --agency kota-35-78 --name "Aplikasi Sapa Warga" --scopes reports:read,reports:submit
    manage.py api_client rotate --id 3 [--overlap-hours 24]
    manage.py api_client revoke --id 3
    manage.py api_client list [--agency kota-35-78]
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from lapor.accounts import clients
from lapor.accounts.actors import Actor
from lapor.accounts.models import ApiClient
from lapor.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, rotate, revoke or list an agency's API clients (the key is printed once)."

    def add_arguments(self, parser):
        parser.add_argument("verb", choices=["create", "rotate", "revoke", "list"])
        parser.add_argument("--agency", help="the agency's code (create; list: only this agency's)")
        parser.add_argument("--name", help="what the client is, e.g. 'Aplikasi Sapa Warga' (create)")
        parser.add_argument("--scopes", help=f"comma-separated: {', '.join(ApiClient.Scope.values)} (create)")
        parser.add_argument("--days", type=int, default=clients.DEFAULT_DAYS, help="days a key lasts (create, rotate)")
        parser.add_argument("--rate", type=int, default=600, help="requests a minute (create)")
        parser.add_argument("--id", type=int, help="the client (rotate, revoke)")
        parser.add_argument("--overlap-hours", type=float, default=24, help="how long the old keys keep working (rotate)")

    def handle(self, *args, verb, **o):
        system = Actor.system_actor()
        try:
            if verb == "create":
                if not (o["agency"] and o["name"] and o["scopes"]):
                    raise CommandError("create needs --agency, --name and --scopes")
                client, key = clients.client_create(actor=system, agency_code=o["agency"], name=o["name"], scopes=o["scopes"],
                                                    expires_days=o["days"], rate_limit_per_minute=o["rate"])
                self.stderr.write(f"client {client.pk} of {client.agency.code}: {client.name} ({client.scopes}); the key, shown once:")
                self.stdout.write(key)
            elif verb == "rotate":
                if o["id"] is None or not 0 <= o["overlap_hours"] <= 24 * 30:
                    raise CommandError("rotate needs --id, and --overlap-hours between 0 and 720")
                key = clients.client_rotate(actor=system, client_id=o["id"], overlap=timedelta(hours=o["overlap_hours"]),
                                            expires_days=o["days"])
                self.stderr.write(f"client {o['id']}: a new key, shown once (the old ones work for {o['overlap_hours']:g} more hours):")
                self.stdout.write(key)
            elif verb == "revoke":
                if o["id"] is None:
                    raise CommandError("revoke needs --id")
                client = clients.client_revoke(actor=system, client_id=o["id"])
                self.stdout.write(f"client {client.pk} revoked at {client.revoked_at.isoformat()}")
            else:
                found = ApiClient.objects.select_related("agency").prefetch_related("keys")
                if o["agency"]:
                    found = found.filter(agency__code=o["agency"])
                for client in found:
                    state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
                    keys = ", ".join(f"{k.prefix} until {k.expires_at:%Y-%m-%d}" for k in client.keys.all())
                    used = f"{client.last_used_at:%Y-%m-%d %H:%M}" if client.last_used_at else "never"
                    self.stdout.write(f"{client.pk}\t{client.agency.code}\t{client.name}\t{client.scopes}\t{state}\tlast used {used}\t{keys}")
        except DomainError as error:
            raise CommandError(error.message) from None
