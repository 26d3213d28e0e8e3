from django.db import migrations


def revoke_operator_rights_of_app_roles(apps, schema_editor):
    """A 46 and carrier accounts lose the Django admin; operators are granted by ``manage.py operator``."""
    User = apps.get_model("kim", "User")
    User.objects.filter(role__in=["admin", "carrier"]).update(is_superuser=False, is_staff=False)


class Migration(migrations.Migration):
    dependencies = [
        ("kim", "0008_loginattempt_stage"),
    ]

    operations = [
        migrations.RunPython(revoke_operator_rights_of_app_roles, migrations.RunPython.noop),
    ]
