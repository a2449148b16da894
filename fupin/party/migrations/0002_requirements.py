"""三会一课 frequencies (editable in the admin afterwards)."""

from django.db import migrations

BRANCHES = ["committee", "general_branch", "branch"]
REQUIREMENTS = [
    # 支部委员会 monthly, 党员大会 quarterly, 党小组会 monthly, 党课 quarterly.
    ("committee_meeting", BRANCHES, 1),
    ("members_meeting", ["general_branch", "branch"], 3),
    ("group_meeting", ["group"], 1),
    ("lesson", ["general_branch", "branch"], 3),
]


def seed(apps, schema_editor):
    MeetingRequirement = apps.get_model("party", "MeetingRequirement")
    for kind, org_kinds, months in REQUIREMENTS:
        MeetingRequirement.objects.update_or_create(
            kind=kind, defaults={"organization_kinds": org_kinds, "every_months": months}
        )


def unseed(apps, schema_editor):
    apps.get_model("party", "MeetingRequirement").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("party", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
