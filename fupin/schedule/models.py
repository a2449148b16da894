"""One row per job and due day: the claim that makes each job run at most once (docs/schedule.md).

The row is written in the same transaction as the job's work, so a job that fails or a worker
that dies mid-way leaves no row that says "done"; the unique (job, slot) pair is what a
second worker, or the same worker after a restart, runs into.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    # The runs are the system's own, not any area's: only league HQ and the administrator
    # read them (the admin and ``fupin schedule --list``).
    scope_exempt = "the system's own runs, not an area's records"

    class Status(models.TextChoices):
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        # A past slot put in the queue on purpose (``fupin schedule --queue``): it runs
        # whatever the catch-up window, e.g. to fill a new system's archive.
        QUEUED = "queued", _("排队中")

    job = models.CharField(_("任务"), max_length=40)
    slot = models.DateField(_("应运行日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    summary = models.CharField(_("结果"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="schedule_run_job_slot_uniq")
        ]

    def __str__(self):
        return f"{self.job} {self.slot} {self.status}"
