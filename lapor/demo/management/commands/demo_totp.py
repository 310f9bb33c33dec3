"""manage.py demo_totp USERNAME: the current two-step sign-in code of a demo official.

Demo mode only (LAPOR_DEMO=1, as bin/run and bin/demo-totp set, or DEBUG on; the same rule as
load_demo), and only for a device that carries the published demo key (lapor/demo/totp.py): a
real account's code is never printed, whatever the settings."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from lapor.accounts.models import User
from lapor.demo.totp import demo_key_base32, is_demo_device, next_code

from .load_demo import demo_mode_enabled


class Command(BaseCommand):
    help = "Print the current two-step sign-in code of a demo official (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not demo_mode_enabled(False):
            raise CommandError("Refusing: demo mode is off. Set LAPOR_DEMO=1 (demo installations only).")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).select_related("user").order_by("-pk").first()
        if device is None:
            raise CommandError(f"{username} has no authenticator app: they set one up at their next sign-in.")
        if not is_demo_device(device):
            raise CommandError(f"{username}'s authenticator does not use the demo key; only its owner has the codes.")
        code, seconds = next_code(device)
        self.stdout.write(code)
        self.stdout.write(f"valid for about {seconds} s; to use an authenticator app instead, add the key "
                          f"{demo_key_base32(username)} (time-based, 6 digits, 30 s)")
