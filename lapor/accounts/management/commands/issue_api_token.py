"""Issue an API token for a user; the key is printed once and only its hash is stored."""

from django.core.management.base import BaseCommand, CommandError

from lapor.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue a bearer token for the API: manage.py issue_api_token USERNAME NAME"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. 'Aplikasi Sapa Warga'.")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        _token, key = ApiToken.issue(user=user, name=name)
        self.stdout.write(key)
