"""Default poverty lines (national standard, docs/domain.md §3.3) and rule set version 1."""

from decimal import Decimal

from django.db import migrations

SOURCE = "国务院扶贫办公布的现行标准（2010年不变价2300元）按年度折算；docs/domain.md §3.3"
NATIONAL_LINES = {
    2014: "2800",
    2015: "2855",
    2016: "2952",
    2017: "3335",
    2018: "3535",
    2019: "3747",
    2020: "4000",
}


def forwards(apps, schema_editor):
    PovertyLine = apps.get_model("assessment", "PovertyLine")
    RuleSet = apps.get_model("assessment", "RuleSet")
    for year, amount in NATIONAL_LINES.items():
        PovertyLine.objects.get_or_create(
            year=year,
            standard="national",
            defaults={"amount": Decimal(amount), "source": SOURCE},
        )
    if not RuleSet.objects.exists():
        RuleSet.objects.create(version=1, note="默认规则（docs/domain.md §3.3）")


def backwards(apps, schema_editor):
    PovertyLine = apps.get_model("assessment", "PovertyLine")
    PovertyLine.objects.filter(standard="national", year__in=list(NATIONAL_LINES)).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
