"""The 11 responsible subjects across banner, township and village (seed: 旗乡村3个层级、11个主体)."""

from django.db import migrations

SUBJECTS = (
    ("banner", "旗县市委"),
    ("banner", "旗县市委书记"),
    ("banner", "旗县市委组织部"),
    ("banner", "旗县市直部门（单位）党组织"),
    ("township", "苏木乡镇党委"),
    ("township", "苏木乡镇党委书记"),
    ("township", "苏木乡镇党委专职副书记"),
    ("township", "苏木乡镇包联干部"),
    ("village", "嘎查村党组织"),
    ("village", "嘎查村党组织书记"),
    ("village", "驻村第一书记"),
)


def forwards(apps, schema_editor):
    Subject = apps.get_model("duties", "Subject")
    for order, (level, name) in enumerate(SUBJECTS, start=1):
        Subject.objects.get_or_create(name=name, defaults={"level": level, "order": order})


def backwards(apps, schema_editor):
    Subject = apps.get_model("duties", "Subject")
    Subject.objects.filter(name__in=[name for _level, name in SUBJECTS], duties=None).delete()


class Migration(migrations.Migration):
    dependencies = [("duties", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
