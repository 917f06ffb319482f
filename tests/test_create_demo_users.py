import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from ipwatch.core.management.commands import create_demo_users


@pytest.mark.django_db
def test_demo_accounts_refused_outside_the_local_demo(settings):
    settings.IPWATCH_DEMO_ACCOUNTS = False
    with pytest.raises(CommandError, match="local SQLite demo only"):
        call_command("create_demo_users")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_accounts_created_with_roles(monkeypatch, capsys):
    # The real check also wants DEBUG and SQLite; the suite runs with DEBUG off and on PostgreSQL too.
    monkeypatch.setattr(create_demo_users, "is_local_demo", lambda: True)
    call_command("create_demo_users")
    call_command("create_demo_users")  # twice: still three accounts
    assert sorted(User.objects.values_list("username", flat=True)) == ["analyst", "editor", "reviewer"]
    reviewer = User.objects.get(username="reviewer")
    assert reviewer.has_perm("core.publish_incident") and reviewer.is_staff
    assert not User.objects.get(username="editor").has_perm("core.publish_incident")
    assert "reviewer" in capsys.readouterr().out
