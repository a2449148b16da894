"""Seed the stable-income threshold (data; the league edits it in the admin).

No Hinggan document of 2016–2017 giving the amount was found; 5万元 a year is the line the
Inner Mongolia documents of the time drew between a 薄弱村 (weak village) and a village with
a stable collective income, and it is used from 2014 on (docs/collective.md).
"""

from decimal import Decimal

from django.db import migrations

SEED = ((2014, Decimal("50000.00"), "自治区嘎查村集体经济薄弱村标准（年收入 5 万元）"),)


def seed(apps, schema_editor):
    threshold = apps.get_model("collective", "CollectiveThreshold")
    for year, amount, note in SEED:
        threshold.objects.get_or_create(year=year, defaults={"amount": amount, "note": note})


def unseed(apps, schema_editor):
    threshold = apps.get_model("collective", "CollectiveThreshold")
    threshold.objects.filter(year__in=[year for year, _a, _n in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("collective", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
