import secrets

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

DEMO_ACCOUNTS = [
    ("editor", "Editors", "drafts incidents in the admin and sends them to review"),
    ("reviewer", "Reviewers", "publishes and retracts incidents"),
    ("analyst", "Analysts", "reads incidents in review, internal notes; exports"),
]


def is_local_demo() -> bool:
    return bool(settings.IPWATCH_DEMO_ACCOUNTS and settings.DEBUG and connection.vendor == "sqlite")


class Command(BaseCommand):
    help = "Create local demo accounts (editor, reviewer, analyst) and print their passwords. Local SQLite demo only."

    def handle(self, *args, **options):
        if not is_local_demo():
            raise CommandError(
                "Demo accounts are for the local SQLite demo only: they need DEBUG=1, IPWATCH_DEMO_ACCOUNTS=1 "
                "and a SQLite database."
            )
        self.stdout.write("Local demo accounts (new passwords each run; log in at /admin/ or /accounts/login/):")
        for username, group_name, role in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(9)
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = group_name in {"Editors", "Reviewers"}
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            self.stdout.write(f"  {username:<9} {password:<14} ({group_name}: {role})")
